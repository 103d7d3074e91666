import type { LoggedEvent } from '../event-log/event-log.js';
import type { Bus } from './bus.js';

/** The single-instance bus: synchronous delivery to the handlers of this process. */
export class MemoryBus implements Bus {
  private readonly handlers = new Set<(event: LoggedEvent) => void>();
  private closed = false;

  publish(event: LoggedEvent): Promise<void> {
    if (this.closed) return Promise.resolve();
    for (const handler of this.handlers) handler(event);
    return Promise.resolve();
  }

  subscribe(handler: (event: LoggedEvent) => void): () => void {
    const wrapped = (e: LoggedEvent): void => handler(e);
    this.handlers.add(wrapped);
    return () => this.handlers.delete(wrapped);
  }

  close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    return Promise.resolve();
  }
}
