import type { LoggedEvent } from '../event-log/event-log.js';

/**
 * Fan-out of logged events between server instances. Every instance appends to the shared log
 * and publishes the logged event; every instance (the publisher included) receives it once and
 * delivers it to its local sessions.
 *
 * Contract (bus.contract.ts): a subscriber receives every event published after it subscribed,
 * in publish order per publisher; `subscribe` returns its unsubscribe; `close()` is idempotent
 * and stops delivery.
 */
export interface Bus {
  publish(event: LoggedEvent): Promise<void>;
  subscribe(handler: (event: LoggedEvent) => void): () => void;
  close(): Promise<void>;
}
