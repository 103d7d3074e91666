/**
 * A minimal typed emitter for the client's own signals (state changes, resync, gap …). Same
 * guarantees as the event router: listeners run in registration order, a throwing listener is
 * logged and does not stop the others, changes during an emit apply from the next emit.
 */
import type { ClientLogger } from './logger.js';

export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, readonly ((payload: never) => void)[]>();

  constructor(private readonly logger: ClientLogger) {}

  on<K extends keyof Events>(name: K, listener: (payload: Events[K]) => void): () => void {
    const list = this.listeners.get(name) ?? [];
    if (!list.includes(listener)) this.listeners.set(name, [...list, listener]);
    return () => this.off(name, listener);
  }

  off<K extends keyof Events>(name: K, listener: (payload: Events[K]) => void): void {
    const next = (this.listeners.get(name) ?? []).filter((l) => l !== listener);
    if (next.length > 0) this.listeners.set(name, next);
    else this.listeners.delete(name);
  }

  emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    const list = this.listeners.get(name) as readonly ((p: Events[K]) => void)[] | undefined;
    if (!list) return;
    for (const listener of list) {
      try {
        listener(payload);
      } catch (err) {
        this.logger.error('listener threw', { signal: String(name), err });
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
