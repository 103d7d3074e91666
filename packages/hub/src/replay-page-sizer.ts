/** Events asked for by a replay's first log read, before it knows how large they are. */
const FIRST_PAGE = 20;

/**
 * How many events a replay's next log read asks for: at most `maxEvents`, and about `maxBytes`
 * of them judging by the previous read's events. A resuming reader of ~100 KB events thus holds
 * about `maxBytes` of read events at a time rather than `maxEvents` × 100 KB, and a reader of
 * small events still reads `maxEvents` at a time.
 */
export class ReplayPageSizer {
  private averageBytes: number | undefined;

  constructor(
    private readonly maxEvents: number,
    private readonly maxBytes: number,
  ) {}

  get limit(): number {
    const max = Math.max(1, this.maxEvents);
    if (this.averageBytes === undefined) return Math.min(max, FIRST_PAGE);
    return Math.max(1, Math.min(max, Math.floor(this.maxBytes / this.averageBytes)));
  }

  /** A read brought `events` events of `bytes` bytes in all (nothing learnt from none). */
  observe(events: number, bytes: number): void {
    if (events > 0) this.averageBytes = Math.max(1, bytes / events);
  }
}
