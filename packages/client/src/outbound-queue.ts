/**
 * Client frames waiting for a socket. Bounded: when full, the oldest frame is dropped (with a
 * warning) and handed back so its owner can fail the request it belongs to. FIFO order is kept,
 * and frames put back after a lost connection go to the front, ahead of newer ones.
 */
import type { ClientFrame } from '@hdns/protocol';
import type { ClientLogger } from './logger.js';

export class OutboundQueue<F extends ClientFrame = ClientFrame> {
  private frames: F[] = [];

  constructor(
    private readonly capacity: number,
    private readonly logger: ClientLogger,
    /** Called with each frame dropped because the queue was full. */
    private readonly onDrop: (frame: F) => void = () => undefined,
  ) {
    if (!(capacity >= 1)) throw new RangeError('offline queue size must be at least 1');
  }

  get size(): number {
    return this.frames.length;
  }

  /** Appends `frame`, dropping the oldest frames past the capacity. */
  push(frame: F): void {
    this.frames.push(frame);
    this.trim();
  }

  /** Puts frames back in front (they were sent but not answered before the socket went away). */
  requeue(frames: readonly F[]): void {
    if (frames.length === 0) return;
    this.frames = [...frames, ...this.frames];
    this.trim();
  }

  /** Removes and returns every frame, oldest first. */
  drain(): F[] {
    const out = this.frames;
    this.frames = [];
    return out;
  }

  private trim(): void {
    while (this.frames.length > this.capacity) {
      const dropped = this.frames.shift();
      if (!dropped) return;
      this.logger.warn('offline queue full: dropped the oldest frame', {
        type: dropped.type,
        capacity: this.capacity,
      });
      this.onDrop(dropped);
    }
  }
}
