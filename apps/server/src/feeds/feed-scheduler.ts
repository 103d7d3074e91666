import type { FeedService } from './feed-service.js';

/**
 * Refreshes each enabled feed when its interval has passed, one at a time (a million-name list
 * takes the CPU for seconds; two at once would only slow both). Checks every `tickMs`;
 * `start()` returns the stop, which clears the timer and waits for a refresh in flight; `kick()`
 * checks at once (this instance just took the BIND lease over).
 */
export class FeedScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly feeds: FeedService,
    private readonly opts: {
      tickMs: number;
      /** False while another instance drives BIND (the BIND lease): nothing to do here. */
      active: () => boolean;
      log: { warn(obj: object, msg: string): void };
    },
  ) {}

  start(): () => Promise<void> {
    if (this.timer === null) {
      this.timer = setInterval(() => this.tick(), this.opts.tickMs);
      this.timer.unref();
    }
    return () => this.stop();
  }

  /** Looks for feeds due now rather than at the next check (a no-op once stopped). */
  kick(): void {
    if (this.timer !== null) this.tick();
  }

  private tick(): void {
    if (this.running !== null || !this.opts.active()) return;
    this.running = this.runDue()
      .catch((err: unknown) => this.opts.log.warn({ err: String(err) }, 'feed schedule failed'))
      .finally(() => {
        this.running = null;
      });
  }

  private async runDue(): Promise<void> {
    for (const id of await this.feeds.due()) {
      // Stopped, or the BIND lease went elsewhere meanwhile: the new holder takes over.
      if (this.timer === null || !this.opts.active()) return;
      await this.feeds.refresh(id, null);
    }
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
