import { connectRedis, RedisEventLog, type LoggedEvent, type RedisConnection } from '@hdns/hub';
import { startRedisServer, type RedisServer } from '@hdns/testkit';
import { parseKey } from '../shared.js';

/**
 * The Redis of the cluster scenario: one real redis-server (testkit, on its own port and temp
 * dir, `appendonly yes`), a connection of the bench's own to read its CPU time and the log, and
 * a fresh key prefix per measured run so every run starts on an empty log.
 */
export class RedisRig {
  private runs = 0;

  private constructor(
    private readonly server: RedisServer,
    readonly conn: RedisConnection,
  ) {}

  static async start(): Promise<RedisRig> {
    const server = await startRedisServer();
    try {
      const conn = await connectRedis(server.url, { name: 'bench-rig' });
      return new RedisRig(server, conn);
    } catch (err) {
      await server.close();
      throw err;
    }
  }

  get url(): string {
    return this.server.url;
  }

  freshPrefix(): string {
    return `bench${++this.runs}`;
  }

  /**
   * `always` (the setting docs/scaling.md asks for: an event is on disk before a client sees
   * it) or `everysec`; changed at run time, no restart.
   */
  async setFsync(mode: 'always' | 'everysec'): Promise<void> {
    await this.conn.sendCommand(['CONFIG', 'SET', 'appendfsync', mode]);
  }

  /** redis-server's CPU time (user + system, main and background threads) in µs. */
  async cpuUs(): Promise<number> {
    const info = String(await this.conn.sendCommand(['INFO', 'cpu']));
    const field = (name: string): number =>
      Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
    return Math.round((field('used_cpu_user') + field('used_cpu_sys')) * 1e6);
  }

  /** Every config_change event logged under `prefix`, in seq order. */
  async logged(prefix: string): Promise<LoggedEvent[]> {
    const log = await RedisEventLog.open({ client: this.conn, prefix });
    try {
      return await log.query({ types: ['config_change'] });
    } finally {
      await log.close();
    }
  }

  /**
   * The bench event numbers in the log under `prefix`, and whether the log is gapless: seqs
   * 1, 2, 3 … with the publisher's numbers in the same order (one publisher, so seq = number).
   */
  async published(prefix: string): Promise<{ numbers: number[]; gapless: boolean }> {
    const events = await this.logged(prefix);
    const numbers = events.map((e) => parseKey((e.data as { key: string }).key).n);
    const gapless = events.every((e, i) => e.seq === i + 1 && numbers[i] === i + 1);
    return { numbers, gapless };
  }

  async close(): Promise<void> {
    await this.conn.close();
    await this.server.close();
  }
}
