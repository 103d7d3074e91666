/**
 * Leader election among the tabs of one origin and user. Exactly one tab should own the
 * WebSocket; when it goes away another must take over.
 *
 * - LockElection (preferred): an exclusive Web Lock held for the tab's lifetime. The browser
 *   grants it to one tab and hands it to the next waiting tab as soon as the holder releases it,
 *   closes or crashes: no timeouts, no split brain.
 * - HeartbeatElection (fallback where Web Locks is missing): every tab heartbeats on the
 *   BroadcastChannel; the lowest live tab id leads. Tab ids sort by start time, so the oldest tab
 *   leads and a new tab never takes over a running leader. A crashed leader is replaced once its
 *   heartbeats time out; a brief overlap of two leaders is possible and resolves itself (the
 *   higher id steps down, and the server's instanceId superseding keeps one socket).
 */
import type { LockManagerLike } from './platform.js';
import type { TabRegistry } from './tab-registry.js';

export interface ElectionHandlers {
  /** This tab now leads. Called at most once between two `deposed`/`stop`. */
  elected(): void;
  /** This tab no longer leads (fallback election only: a lower id showed up). */
  deposed(): void;
}

export interface Election {
  start(handlers: ElectionHandlers): void;
  /** Stops competing and gives up leadership (the next tab is elected). Idempotent. */
  stop(): void;
  /** Re-checks the fallback rule after registry changes; a no-op for locks. */
  evaluate(): void;
}

export class LockElection implements Election {
  private abort: AbortController | undefined;
  private release: (() => void) | undefined;

  constructor(
    private readonly locks: LockManagerLike,
    private readonly name: string,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  start(handlers: ElectionHandlers): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    this.locks
      .request(this.name, { mode: 'exclusive', signal: abort.signal }, () => {
        if (abort.signal.aborted) return Promise.resolve();
        // Held until stop() (or until the browser tears the document down).
        const held = new Promise<void>((resolve) => (this.release = resolve));
        handlers.elected();
        return held;
      })
      .catch((err: unknown) => {
        // Aborting while still waiting rejects with AbortError: that is stop() working.
        if (!abort.signal.aborted) this.onError(err);
      });
  }

  stop(): void {
    this.abort?.abort();
    this.abort = undefined;
    this.release?.();
    this.release = undefined;
  }

  evaluate(): void {}
}

export class HeartbeatElection implements Election {
  private handlers: ElectionHandlers | undefined;
  private startedAt = 0;
  private leading = false;

  constructor(
    private readonly registry: TabRegistry,
    private readonly selfId: string,
    /** How long to listen for other tabs before claiming: at least two heartbeat intervals. */
    private readonly settleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  start(handlers: ElectionHandlers): void {
    if (this.handlers) return;
    this.handlers = handlers;
    this.startedAt = this.now();
  }

  stop(): void {
    this.handlers = undefined;
    this.leading = false;
  }

  /** Call after each heartbeat tick and registry change (the owner has reported itself). */
  evaluate(): void {
    const h = this.handlers;
    if (!h || this.now() - this.startedAt < this.settleMs) return;
    const lowest = this.registry.ids()[0] ?? this.selfId;
    if (lowest === this.selfId && !this.leading) {
      this.leading = true;
      h.elected();
    } else if (lowest !== this.selfId && this.leading) {
      this.leading = false;
      h.deposed();
    }
  }
}
