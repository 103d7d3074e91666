/**
 * The subscriptions to restore on reconnect: every `hello` carries them, so a new socket starts
 * with the same set without extra round trips. Until the first answer from the server this is
 * the `subscriptions` option (or nothing: the server's per-role default applies); after each
 * `welcome` or `subscribed` it is the server's effective set, which already left out what was
 * rejected.
 *
 * Changes made while offline are not applied here: their frames wait in the offline queue and
 * are sent right after the welcome, in order. A frame dropped from a full queue therefore has no
 * effect at all, which is what its rejected promise says.
 */
export class SubscriptionSet {
  private items: readonly string[] | undefined;

  constructor(initial?: readonly string[]) {
    this.items = initial ? [...initial] : undefined;
  }

  /** The `hello.subscribe` list, or undefined for the server's default. */
  forHello(): string[] | undefined {
    return this.items ? [...this.items] : undefined;
  }

  /** The last set the server confirmed (before that: the requested items). */
  get current(): readonly string[] {
    return this.items ?? [];
  }

  has(item: string): boolean {
    return this.items?.includes(item) ?? false;
  }

  /** The server's effective set (welcome, subscribed). */
  replace(effective: readonly string[]): void {
    this.items = [...effective];
  }
}
