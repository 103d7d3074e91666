const MAX_DELAY_MS = 2 ** 31 - 1;

/** A pending deadline; the holder keeps it to move or cancel it. */
export interface Deadline<T> {
  at: number;
  readonly item: T;
  /** Position in the heap; -1 once fired or cancelled. */
  index: number;
}

/**
 * Many deadlines on one re-armed timer: a binary min-heap by `at` (epoch ms). A `setTimeout`
 * per deadline costs a Timeout object and a closure each, which at thousands of idle sessions
 * is most of their heap. Due items are handed to `fire` in deadline order; `fire` may schedule
 * again (including an already due time, which fires in the same pass).
 */
export class DeadlineHeap<T> {
  private readonly heap: Deadline<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Number.POSITIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly fire: (item: T) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  schedule(item: T, at: number): Deadline<T> {
    const d: Deadline<T> = { at, item, index: this.heap.length };
    this.heap.push(d);
    this.up(d.index);
    this.arm();
    return d;
  }

  cancel(d: Deadline<T> | undefined): void {
    if (!d || d.index < 0) return;
    const i = d.index;
    const last = this.heap.pop();
    d.index = -1;
    if (last && last !== d) {
      this.heap[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
    if (this.heap.length === 0) this.disarm();
  }

  /** Stops the timer and forgets every deadline. */
  close(): void {
    this.closed = true;
    for (const d of this.heap) d.index = -1;
    this.heap.length = 0;
    this.disarm();
  }

  private run(): void {
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    try {
      for (;;) {
        const top = this.heap[0];
        if (!top || top.at > this.now()) break;
        this.cancel(top);
        this.fire(top.item);
      }
    } finally {
      // A handler that throws must not leave the other deadlines without a timer.
      this.arm();
    }
  }

  /** Keeps one timer, set for the earliest deadline. */
  private arm(): void {
    const top = this.heap[0];
    if (!top || this.closed || top.at >= this.armedAt) return;
    clearTimeout(this.timer);
    this.armedAt = top.at;
    // Capped: Node fires longer delays at once. A capped wake-up finds nothing due and re-arms.
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, top.at - this.now()));
    this.timer = setTimeout(() => this.run(), delay);
    // The sockets keep the process alive; a pending deadline alone should not.
    this.timer.unref();
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
  }

  private up(i: number): void {
    const d = this.heap[i];
    if (!d) return;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = this.heap[p];
      if (!parent || parent.at <= d.at) break;
      this.heap[i] = parent;
      parent.index = i;
      i = p;
    }
    this.heap[i] = d;
    d.index = i;
  }

  private down(i: number): void {
    const d = this.heap[i];
    if (!d) return;
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const left = this.heap[l];
      const right = this.heap[l + 1];
      const c = right && left && right.at < left.at ? l + 1 : l;
      const child = this.heap[c];
      if (!child || child.at >= d.at) break;
      this.heap[i] = child;
      child.index = i;
      i = c;
    }
    this.heap[i] = d;
    d.index = i;
  }
}
