import { pruneEveryAppends, pruneIntervalMs } from '@hdns/protocol';
import { retentionPools, type EventLog, type RetentionPolicy } from './event-log.js';

/**
 * The period of the prune timer for a policy: a tenth of its shortest age limit, within
 * [1 s, 60 s] (`pruneIntervalMs` in @hdns/protocol, which the documentation quotes).
 */
export function pruneIntervalFor(policy: RetentionPolicy): number {
  return pruneIntervalMs({ maxAgeMs: retentionPools(policy).map((p) => p.limits.maxAgeMs) });
}

/** Appends between count prunes for a policy: a tenth of its smallest count limit, ≤ 1,000. */
export function pruneEveryFor(policy: RetentionPolicy): number {
  return pruneEveryAppends({ maxEvents: retentionPools(policy).map((p) => p.limits.maxEvents) });
}

export interface PruneScheduleOptions {
  /** Default: `pruneIntervalFor(policy)`. */
  intervalMs?: number;
  /** A prune that failed (the timer goes on; the next one retries). */
  onError?: (err: unknown) => void;
}

/**
 * Prunes a log on a timer, so age limits hold without appends (a log prunes by itself only
 * every so many appends: a quiet log would otherwise keep events past their age for ever, and a
 * resume from before them would not be answered `too_old`). One prune at a time: a tick that
 * finds the previous one still running is skipped. The timer is unref'd (it never keeps a
 * process alive) and cleared by `close()`, which is idempotent and leaves the log open: it
 * belongs to the caller.
 */
export class PruneSchedule {
  readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly log: EventLog,
    policy: RetentionPolicy,
    private readonly options: PruneScheduleOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? pruneIntervalFor(policy);
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Resolves when the prune in flight (if any) has settled; for an orderly shutdown. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running || !this.timer) return;
    this.running = this.log
      .prune()
      .then(
        () => undefined,
        (err: unknown) => this.options.onError?.(err),
      )
      .finally(() => {
        this.running = undefined;
      });
  }
}
