/**
 * Ascending numbers (event times, seconds) with cheap removal from the front: a head index
 * instead of `Array.shift`, which copies the whole array each time and made a full window of
 * 100,000 times cost O(n) per event. The dead front is compacted once it is half the array.
 */
export class TimeQueue {
  private items: number[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(value: number): void {
    this.items.push(value);
  }

  /** The oldest value, if any. */
  first(): number | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** The newest value, if any. */
  last(): number | undefined {
    return this.head < this.items.length ? this.items[this.items.length - 1] : undefined;
  }

  /** Removes and returns the oldest value. */
  shift(): number | undefined {
    if (this.head >= this.items.length) return undefined;
    const value = this.items[this.head];
    this.head += 1;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return value;
  }

  /** Removes every value at or below `limit`; returns how many went. */
  dropUpTo(limit: number): number {
    let dropped = 0;
    for (let v = this.first(); v !== undefined && v <= limit; v = this.first()) {
      this.shift();
      dropped += 1;
    }
    return dropped;
  }
}
