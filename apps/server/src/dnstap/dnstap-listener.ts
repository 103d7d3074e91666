import { chmod, chown, lstat, unlink } from 'node:fs/promises';
import net from 'node:net';
import type { QueryFacts, UpstreamFacts } from '../queries/query-facts.js';
import { decodeDnstap, emptyMessage } from './dnstap-message.js';
import { FrameStreamSession } from './frame-stream-session.js';
import { QueryPairer, type PairerCounters } from './query-pairer.js';

/**
 * The dnstap socket: named (`dnstap-output unix "<path>"`) connects to it, speaks Frame
 * Streams, and every decoded message goes through the pairer to `onQuery` / `onUpstream`.
 *
 * named only connects (every 5 s) and drops frames while it is not connected, so the listener
 * must be up before named starts. With `named -u bind` the socket must be writable by user
 * bind: after listen the socket file gets `socketMode` (default 0o666) and, when given,
 * `socketGid`. Several connections are served at once (named reconnects after `dnstap -reopen`;
 * several nameds may share one listener later), up to `maxConnections`.
 */

export interface DnstapLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface DnstapListenerOptions {
  socketPath: string;
  /** Mode of the socket file (default 0o666: named running as `bind` must connect). */
  socketMode?: number;
  /** Group to give the socket file (e.g. bind's gid, with socketMode 0o660). */
  socketGid?: number;
  rpzZones(): readonly string[];
  onQuery(facts: QueryFacts): void;
  onUpstream?(facts: UpstreamFacts): void;
  logger?: DnstapLogger;
  /** Pairing timeout (default 10 s) and bound on waiting queries (default 100,000). */
  pairTimeoutMs?: number;
  maxPending?: number;
  /** Largest data frame accepted (default 256 KiB). */
  maxFrameBytes?: number;
  /** Connections served at once (default 16); more are closed at once. */
  maxConnections?: number;
}

export interface DnstapCounters extends PairerCounters {
  /** Data frames received. */
  frames: number;
  /** Frames decoded as dnstap messages. */
  decoded: number;
  /** Connections accepted so far. */
  connections: number;
  /** Connections open now. */
  open: number;
  /** STOP frames received (each answered with FINISH). */
  stops: number;
  /** Connections closed for a protocol error. */
  protocolErrors: number;
}

export interface DnstapListener {
  readonly socketPath: string;
  counters(): DnstapCounters;
  /** Closes the server and every connection, unlinks the socket. Idempotent. */
  stop(): Promise<void>;
}

async function removeStaleSocket(path: string): Promise<void> {
  const st = await lstat(path).catch(() => null);
  if (st === null) return;
  // Never delete a regular file or directory someone put there by mistake.
  if (!st.isSocket()) throw new Error(`dnstap socket path exists and is not a socket: ${path}`);
  await unlink(path);
}

export async function startDnstapListener(opts: DnstapListenerOptions): Promise<DnstapListener> {
  const logger = opts.logger;
  const maxConnections = opts.maxConnections ?? 16;
  let frames = 0;
  let decoded = 0;
  let malformedFrames = 0;
  let connections = 0;
  let stops = 0;
  let protocolErrors = 0;
  const sessions = new Set<FrameStreamSession>();
  const pairer = new QueryPairer({
    rpzZones: () => opts.rpzZones(),
    onQuery: (facts) => opts.onQuery(facts),
    ...(opts.onUpstream ? { onUpstream: (facts) => opts.onUpstream?.(facts) } : {}),
    ...(opts.pairTimeoutMs !== undefined ? { timeoutMs: opts.pairTimeoutMs } : {}),
    ...(opts.maxPending !== undefined ? { maxPending: opts.maxPending } : {}),
  });

  // One message object for every frame: the pairer copies what it keeps (see decodeDnstap).
  const scratch = emptyMessage();
  const onFrame = (frame: Buffer): void => {
    frames++;
    const m = decodeDnstap(frame, scratch);
    if (m === null) {
      malformedFrames++;
      return;
    }
    decoded++;
    try {
      pairer.push(m);
    } catch (err) {
      // A consumer callback threw: keep the stream alive, say so once per occurrence.
      logger?.warn({ err }, 'dnstap consumer failed');
    }
  };

  const server = net.createServer((socket) => {
    connections++;
    if (sessions.size >= maxConnections) {
      logger?.warn({ maxConnections }, 'dnstap connection refused: too many connections');
      socket.destroy();
      return;
    }
    const session = new FrameStreamSession(socket, {
      onFrame,
      ...(opts.maxFrameBytes !== undefined ? { maxDataFrame: opts.maxFrameBytes } : {}),
      onEnd: (end) => {
        sessions.delete(session);
        if (end.sawStop) stops++;
        if (end.reason.startsWith('protocol error') || end.reason.startsWith('unexpected')) {
          protocolErrors++;
          logger?.warn({ reason: end.reason.slice(0, 120) }, 'dnstap connection closed');
        } else {
          logger?.info({ reason: end.reason, frames: end.frames }, 'dnstap connection ended');
        }
      },
    });
    sessions.add(session);
  });

  await removeStaleSocket(opts.socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => logger?.warn({ err }, 'dnstap listener error'));
  try {
    if (opts.socketGid !== undefined) await chown(opts.socketPath, -1, opts.socketGid);
    await chmod(opts.socketPath, opts.socketMode ?? 0o666);
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await unlink(opts.socketPath).catch(() => undefined);
    throw err;
  }
  pairer.start();

  let stopping: Promise<void> | null = null;
  return {
    socketPath: opts.socketPath,
    counters: () => ({
      ...pairer.counters,
      malformed: pairer.counters.malformed + malformedFrames,
      frames,
      decoded,
      connections,
      open: sessions.size,
      stops,
      protocolErrors,
    }),
    stop: () => {
      stopping ??= (async () => {
        pairer.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const s of [...sessions]) s.close('listener stopped');
        await closed;
        await unlink(opts.socketPath).catch(() => undefined);
      })();
      return stopping;
    },
  };
}
