import { randomUUID } from 'node:crypto';
import type { LoggedEvent } from '../event-log/event-log.js';
import type { Bus } from '../bus/bus.js';
import type { RedisCommander } from './redis-commander.js';
import { entryId, POOLS, redisLogKeys, scriptKeys, type RedisLogKeys } from './redis-keys.js';
import { asArray, asInt, asString, parseEntries } from './redis-replies.js';
import { RENEW } from './redis-scripts.js';

/** A connection of the bus's own: blocking reads hold it, and `close()` destroys it. */
export interface BlockingConnection extends RedisCommander {
  destroy(): void;
}

export interface RedisBusOptions {
  /** A connected client used for nothing else (node-redis: `client.duplicate()`, connected). */
  connection: BlockingConnection;
  /** The event log's key prefix (redis-keys.ts). Default `hdns`. */
  prefix?: string;
  /** Entries read per pool and round trip. Default 500. */
  batch?: number;
  /** How long one blocking read waits before it checks the epoch again. Default 1000 ms. */
  blockMs?: number;
  /** First wait after a failed read; doubles up to 2 s. Default 50 ms. */
  retryMs?: number;
  /**
   * Seqs the bus could not deliver because the log had pruned them before it read them (it was
   * cut off from Redis longer than retention covers). Subscribers missed them: a hub closes its
   * sessions with a reconnect code, so their clients resume from the log or reload.
   */
  onGap?: (gap: { from: number; to: number }) => void;
  /** The log's epoch changed: positions of the old epoch mean nothing in the new one. */
  onEpochChange?: (change: { from: string; to: string }) => void;
  onError?: (err: unknown) => void;
}

const MAX_RETRY_MS = 2_000;

/**
 * The bus of several instances, following the event log's own Redis streams (not pub/sub, which
 * drops what is published while a subscriber is disconnected). The log's append is the
 * publication: `publish()` does nothing, and every instance, the appending one included, reads
 * each event from the streams once, in seq order, and hands it to its subscribers. Seqs are
 * gapless across the pools, so the bus knows the next one it needs: it delivers only a
 * contiguous run, resumes after a reconnect or a Redis restart from the last seq it delivered
 * (no loss, no duplicate), and reports seqs that were pruned before it could read them.
 *
 * Contract (bus.contract.ts), with the log and the bus used together as the hub uses them.
 */
export class RedisBus implements Bus {
  private readonly handlers = new Set<(event: LoggedEvent) => void>();
  private readonly keys: RedisLogKeys;
  private readonly scriptKeys: string[];
  private readonly batch: number;
  private readonly blockMs: number;
  private readonly retryMs: number;
  /** The epoch followed and the last seq delivered in it. */
  private epoch = '';
  private delivered = 0;
  private closed = false;
  private loop: Promise<void> = Promise.resolve();

  private constructor(private readonly options: RedisBusOptions) {
    this.keys = redisLogKeys(options.prefix);
    this.scriptKeys = scriptKeys(this.keys);
    this.batch = options.batch ?? 500;
    this.blockMs = options.blockMs ?? 1_000;
    this.retryMs = options.retryMs ?? 50;
  }

  /**
   * Starts following from the log's current end: every event appended after this resolves is
   * delivered to the subscribers of that moment.
   */
  static async open(options: RedisBusOptions): Promise<RedisBus> {
    const bus = new RedisBus(options);
    const { epoch, seq } = await bus.readMeta();
    bus.epoch = epoch;
    bus.delivered = seq;
    bus.loop = bus.follow();
    return bus;
  }

  /** The last seq delivered to subscribers (for metrics and tests). */
  get position(): { epoch: string; seq: number } {
    return { epoch: this.epoch, seq: this.delivered };
  }

  /** Nothing to do: appending to the RedisEventLog put the event in the streams this follows. */
  publish(): Promise<void> {
    return Promise.resolve();
  }

  subscribe(handler: (event: LoggedEvent) => void): () => void {
    const wrapped = (e: LoggedEvent): void => handler(e);
    this.handlers.add(wrapped);
    return () => this.handlers.delete(wrapped);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    // Ends a blocking read at once (its promise rejects; the loop sees `closed` and stops).
    this.options.connection.destroy();
    await this.loop;
  }

  private async follow(): Promise<void> {
    let wait = this.retryMs;
    while (!this.closed) {
      try {
        await this.round();
        wait = this.retryMs;
      } catch (err) {
        if (this.closed) return;
        this.options.onError?.(err);
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, MAX_RETRY_MS);
      }
    }
  }

  /** One blocking read, then the epoch check, then delivery of the contiguous run. */
  private async round(): Promise<void> {
    const from = entryId(this.delivered);
    const reply = await this.options.connection.sendCommand([
      'XREAD',
      'COUNT',
      String(this.batch),
      'BLOCK',
      String(this.blockMs),
      'STREAMS',
      ...POOLS.map((p) => this.keys.streams[p]),
      ...POOLS.map(() => from),
    ]);
    // Entries are trusted only after the epoch is: a new epoch's seqs restart or repeat.
    const { epoch, seq, start } = await this.readMeta();
    if (epoch !== this.epoch) {
      const previous = this.epoch;
      this.epoch = epoch;
      this.delivered = start;
      if (previous !== '') this.options.onEpochChange?.({ from: previous, to: epoch });
      return;
    }
    if (seq < this.delivered) {
      // The counter went back below what this bus delivered: Redis lost acknowledged writes.
      // Positions in this epoch are void; start the next one (the next round follows it).
      await RENEW.run(this.options.connection, this.scriptKeys, [epoch, randomUUID()]);
      return;
    }
    if (reply === null) return;
    const lists = asArray(reply, 'xread').map((stream) => {
      const [, entries] = asArray(stream, 'xread stream');
      return parseEntries(entries);
    });
    this.deliver(lists);
  }

  private deliver(lists: LoggedEvent[][]): void {
    const full = lists.some((l) => l.length === this.batch);
    const events = lists.flat().sort((a, b) => a.seq - b.seq);
    for (const e of events) {
      if (e.seq <= this.delivered) continue;
      if (e.seq !== this.delivered + 1) {
        // A pool that filled its batch may hold the missing seq: read again from here.
        if (full) return;
        // Nothing unread lies below e.seq: the missing seqs were pruned before this bus read them.
        this.options.onGap?.({ from: this.delivered + 1, to: e.seq - 1 });
      }
      this.delivered = e.seq;
      for (const handler of this.handlers) {
        try {
          handler(e);
        } catch (err) {
          this.options.onError?.(err);
        }
      }
      if (this.closed) return;
    }
  }

  private async readMeta(): Promise<{ epoch: string; seq: number; start: number }> {
    const [epoch, seq, start] = asArray(
      await this.options.connection.sendCommand([
        'HMGET',
        this.keys.meta,
        'epoch',
        'seq',
        'epoch_start',
      ]),
      'meta',
    );
    return {
      epoch: epoch === null ? '' : asString(epoch, 'epoch'),
      seq: seq === null ? 0 : asInt(seq, 'seq'),
      start: start === null || start === undefined ? 0 : asInt(start, 'epoch start'),
    };
  }
}
