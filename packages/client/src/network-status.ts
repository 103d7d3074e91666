/**
 * Browser online/offline signals. When the platform's global object is an event target (a
 * browser window or worker), `offline` closes the socket and waits, and `online` reconnects at
 * once instead of waiting out the backoff. Node has no such events; nothing is watched there.
 */
export interface NetworkTarget {
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
}

/** `globalThis` when it can dispatch online/offline events, else undefined. */
export function defaultNetworkTarget(): NetworkTarget | undefined {
  const g = globalThis as Partial<NetworkTarget>;
  return typeof g.addEventListener === 'function' && typeof g.removeEventListener === 'function'
    ? (g as NetworkTarget)
    : undefined;
}

/** Starts watching; the returned function stops. */
export function watchNetwork(
  target: NetworkTarget | undefined,
  handlers: { online(): void; offline(): void },
): () => void {
  if (!target) return () => undefined;
  const online = (): void => handlers.online();
  const offline = (): void => handlers.offline();
  target.addEventListener('online', online);
  target.addEventListener('offline', offline);
  return () => {
    target.removeEventListener('online', online);
    target.removeEventListener('offline', offline);
  };
}
