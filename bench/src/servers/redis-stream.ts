import { connectRedis, RedisBus, RedisEventLog, type Bus, type EventLog } from '@hdns/hub';

/** The event log and bus of one bench instance on Redis, and how to close them. */
export interface BenchRedisStream {
  log: EventLog;
  bus: Bus;
  close(): Promise<void>;
}

/**
 * Wired as apps/server/src/realtime/event-stream.ts wires them (minus the session cluster,
 * which the fan-out and resume paths measured here do not use): the log and the bus each on a
 * connection of their own, because the bus holds its connection in blocking reads. Every
 * instance opens its own pair; `prefix` keeps each measured run in a fresh, empty log.
 */
export async function openRedisStream(url: string, prefix: string): Promise<BenchRedisStream> {
  const onError = (err: unknown): void => console.error(`redis (bench ${prefix}):`, err);
  const logConn = await connectRedis(url, { name: 'bench-log', onError });
  const busConn = await connectRedis(url, { name: 'bench-bus', onError });
  try {
    const log = await RedisEventLog.open({ client: logConn, prefix, onError });
    const bus = await RedisBus.open({ connection: busConn, prefix, onError });
    let closing: Promise<void> | null = null;
    return {
      log,
      bus,
      close: () =>
        (closing ??= (async () => {
          await bus.close();
          await log.close();
          await logConn.close();
        })()),
    };
  } catch (err) {
    logConn.destroy();
    busConn.destroy();
    throw err;
  }
}
