import { createClient } from 'redis';
import type { RedisCommander } from './redis-commander.js';

export interface RedisConnection extends RedisCommander {
  /** Drops the connection now; pending commands reject (ends a blocking read). */
  destroy(): void;
  /** Waits for pending replies, then closes. Idempotent. */
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  /** Shown in `CLIENT LIST` (e.g. `hdns-log`, `hdns-bus`). */
  name?: string;
  /**
   * Connection errors (refused, reset) while node-redis reconnects. Without a listener an
   * `error` event would be thrown: the process must never fall over because Redis restarts.
   */
  onError?: (err: unknown) => void;
  /** Longest wait between reconnect attempts. Default 2 s. */
  maxReconnectDelayMs?: number;
}

/**
 * A node-redis client on `url` (redis://, rediss://), RESP2 (replies are arrays and strings, as
 * redis-replies.ts parses them), reconnecting forever with backoff up to `maxReconnectDelayMs`.
 * Commands sent while it reconnects wait in node-redis's offline queue and run once it is back.
 */
export async function connectRedis(
  url: string,
  options: RedisConnectionOptions = {},
): Promise<RedisConnection> {
  const maxDelay = options.maxReconnectDelayMs ?? 2_000;
  const client = createClient({
    url,
    RESP: 2,
    ...(options.name ? { name: options.name } : {}),
    socket: {
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 10), maxDelay),
    },
  });
  client.on('error', (err: unknown) => options.onError?.(err));
  await client.connect();
  let closed = false;
  return {
    sendCommand: (args) => client.sendCommand(args),
    destroy: () => {
      if (closed) return;
      closed = true;
      client.destroy();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}
