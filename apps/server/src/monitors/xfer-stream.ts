import { LogTailer } from './log-tailer.js';
import {
  publishSafely,
  silentLogger,
  type EventPublisher,
  type MonitorLogger,
  type Stop,
} from './monitor-types.js';
import { XferLogParser, type ZoneTransfer } from './xfer-log-parser.js';

/**
 * named's default log → `zone_transfer` per transfer (xfer-log-parser.ts), in log order, with
 * the line's time. At most `maxEventsPerSec` per second (default 50): a storm of refused
 * transfer attempts must not flood the event log; the rest are counted as dropped.
 */

export interface XferStreamOptions {
  path: string;
  from?: 'end' | 'start' | number;
  pollIntervalMs?: number;
  maxEventsPerSec?: number;
  /** Sees every transfer parsed (the replication watch re-checks serials after one). */
  onTransfer?: (t: ZoneTransfer) => void;
  logger?: MonitorLogger;
  now?: () => number;
}

const SOURCE = 'monitor:xfer';
const MAX_PENDING = 1000;

export class XferStream {
  private readonly logger: MonitorLogger;
  private readonly parser = new XferLogParser();
  private readonly now: () => number;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private sec = -1;
  private publishedThisSec = 0;
  readonly counters = { transfers: 0, published: 0, dropped: 0 };

  constructor(
    private readonly hub: EventPublisher,
    private readonly opts: XferStreamOptions,
  ) {
    this.logger = opts.logger ?? silentLogger;
    this.now = opts.now ?? Date.now;
  }

  start(): Stop {
    const tailer = new LogTailer({
      path: this.opts.path,
      onLine: (line) => this.handleLine(line),
      logger: this.logger,
      ...(this.opts.from !== undefined ? { from: this.opts.from } : {}),
      ...(this.opts.pollIntervalMs !== undefined
        ? { pollIntervalMs: this.opts.pollIntervalMs }
        : {}),
    });
    const stopTail = tailer.start();
    let stopped: Promise<void> | null = null;
    return () => (stopped ??= stopTail().then(() => this.chain));
  }

  handleLine(line: string): void {
    const t = this.parser.push(line);
    if (t === null) return;
    this.counters.transfers++;
    this.opts.onTransfer?.(t);
    if (!this.withinRate() || this.pending >= MAX_PENDING) {
      this.counters.dropped++;
      return;
    }
    this.pending++;
    const { ts, ...data } = t;
    this.chain = this.chain
      .then(async () => {
        const ok = await publishSafely(this.hub, this.logger, 'zone_transfer', data, {
          source: SOURCE,
          ...(ts !== null ? { ts } : {}),
        });
        if (ok) this.counters.published++;
      })
      .finally(() => this.pending--);
  }

  private withinRate(): boolean {
    const sec = Math.floor(this.now() / 1000);
    if (sec !== this.sec) {
      this.sec = sec;
      this.publishedThisSec = 0;
    }
    return this.publishedThisSec++ < (this.opts.maxEventsPerSec ?? 50);
  }
}
