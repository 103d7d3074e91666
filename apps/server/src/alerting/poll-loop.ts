/**
 * Runs a step now and again: every `intervalMs`, at once when woken, never two runs at a time
 * (a wake during a run makes one more run after it). `start()` returns the stop function, which
 * clears the timer, aborts the signal handed to the step and waits for a run in progress.
 */
export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly step: (signal: AbortSignal) => Promise<boolean | void>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): () => Promise<void> {
    this.schedule(0);
    let stopping: Promise<void> | null = null;
    return () => {
      stopping ??= (async () => {
        this.stopped = true;
        clearTimeout(this.timer);
        this.timer = undefined;
        this.abort.abort();
        await this.running;
      })();
      return stopping;
    };
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, ms);
  }

  private run(): void {
    if (this.stopped || this.running) return;
    this.again = false;
    this.running = (async () => {
      let more = false;
      try {
        // A step answers true when it stopped at a batch limit and has more to do.
        more = (await this.step(this.abort.signal)) === true;
      } catch (err) {
        if (!this.stopped) this.onError(err);
      }
      this.running = null;
      this.schedule(more || this.again ? 0 : this.intervalMs);
    })();
  }
}
