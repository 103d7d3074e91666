/**
 * The browser APIs tab sharing needs, as small structural interfaces: BroadcastChannel, the Web
 * Locks API and localStorage. The defaults read them from `globalThis`; tests pass in-memory
 * fakes. Nothing here touches the DOM types, so the module also loads in Node.
 */

/** The subset of BroadcastChannel used. A channel never receives its own messages. */
export interface TabChannel {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

export type TabChannelFactory = (name: string) => TabChannel;

/** The subset of `navigator.locks` used. */
export interface LockManagerLike {
  request(
    name: string,
    options: { mode: 'exclusive'; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown>,
  ): Promise<unknown>;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Page lifecycle: `pagehide` lets a closing tab say goodbye before its heartbeat stops. */
export interface PageEvents {
  addEventListener(type: 'pagehide', listener: () => void): void;
  removeEventListener(type: 'pagehide', listener: () => void): void;
}

interface BrowserGlobals {
  BroadcastChannel?: new (name: string) => TabChannel;
  navigator?: { locks?: LockManagerLike };
  localStorage?: StorageLike;
  addEventListener?: unknown;
  removeEventListener?: unknown;
}

const g = (): BrowserGlobals => globalThis as BrowserGlobals;

export function defaultChannelFactory(): TabChannelFactory | undefined {
  const Impl = g().BroadcastChannel;
  return Impl ? (name) => new Impl(name) : undefined;
}

/** `navigator.locks`, when the platform has it (browsers, secure contexts only). */
export function defaultLocks(): LockManagerLike | undefined {
  return g().navigator?.locks;
}

/** localStorage, unless it is missing or blocked (some privacy modes throw on access). */
export function defaultStorage(): StorageLike | undefined {
  try {
    return g().localStorage;
  } catch {
    return undefined;
  }
}

export function defaultPageEvents(): PageEvents | undefined {
  const o = g();
  return typeof o.addEventListener === 'function' && typeof o.removeEventListener === 'function'
    ? (o as PageEvents)
    : undefined;
}
