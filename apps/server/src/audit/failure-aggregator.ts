/**
 * Folds repeated unauthenticated failures (wrong passwords, bad WebSocket tokens) into one audit
 * row per (action, address, username, reason) and time window, with a count, so a password
 * spray writes a bounded number of rows instead of one per attempt.
 *
 * Windows are fixed (tumbling) and shared by all keys: at the first failure of a new window the
 * table of open rows is forgotten, so its size is bounded by the caps below, never by traffic.
 * Caps per window, so that varying usernames or addresses cannot multiply rows either:
 * - `maxKeysPerAddress` distinct (username, reason) rows per address; further usernames from it
 *   fold into one row with username `*`;
 * - `maxRowsPerWindow` rows in all; further failures from any address fold into one row with
 *   address and username `*`.
 * So one window writes at most `maxRowsPerWindow + 1` rows per action.
 */

/** The key fields of a failure; `null` address or username count as values of their own. */
export interface FailureKey {
  action: string;
  ip: string | null;
  username: string | null;
  reason: string | null;
}

/** What `fold` decided for one failure. */
export type FoldDecision =
  /** A new row: insert it (with these possibly widened key fields), then `opened(slot, id)`. */
  | { kind: 'insert'; slot: FailureSlot; key: FailureKey }
  /** An existing row: set its count to `slot.count` (its id may still be on its way). */
  | { kind: 'update'; slot: FailureSlot };

export interface FailureSlot {
  readonly key: FailureKey;
  /** Resolves to the row id once inserted; null when the insert failed. */
  id: Promise<number | null>;
  count: number;
  /** The details of the row's first failure; the writer adds `count`, `firstAt`, `lastAt`. */
  details: Record<string, unknown>;
  readonly firstAt: string;
  lastAt: string;
}

export interface FailureAggregatorOptions {
  windowMs?: number;
  maxKeysPerAddress?: number;
  maxRowsPerWindow?: number;
}

export const ANY = '*';

export class FailureAggregator {
  readonly windowMs: number;
  private readonly maxKeysPerAddress: number;
  private readonly maxRowsPerWindow: number;
  private windowStart = Number.NEGATIVE_INFINITY;
  private readonly slots = new Map<string, FailureSlot>();
  private readonly perAddress = new Map<string, number>();

  constructor(opts: FailureAggregatorOptions = {}) {
    this.windowMs = opts.windowMs ?? 60_000;
    this.maxKeysPerAddress = opts.maxKeysPerAddress ?? 20;
    this.maxRowsPerWindow = opts.maxRowsPerWindow ?? 200;
  }

  /**
   * Places one failure at time `now` (ms) / `ts` (ISO). The caller must start the insert of an
   * `insert` decision synchronously, by assigning `slot.id`, before the next `fold` call.
   */
  fold(key: FailureKey, now: number, ts: string): FoldDecision {
    if (now - this.windowStart >= this.windowMs || now < this.windowStart) {
      this.windowStart = now;
      this.slots.clear();
      this.perAddress.clear();
    }
    const exact = this.bump(keyString(key), ts);
    if (exact) return { kind: 'update', slot: exact };

    let widened = key;
    const fromAddress = this.perAddress.get(key.action + '\u0000' + String(key.ip)) ?? 0;
    if (this.slots.size >= this.maxRowsPerWindow) {
      widened = { action: key.action, ip: ANY, username: ANY, reason: null };
    } else if (fromAddress >= this.maxKeysPerAddress) {
      widened = { action: key.action, ip: key.ip, username: ANY, reason: null };
    }
    if (widened !== key) {
      const folded = this.bump(keyString(widened), ts);
      if (folded) return { kind: 'update', slot: folded };
    }
    const slot: FailureSlot = {
      key: widened,
      id: Promise.resolve(null),
      count: 1,
      details: {},
      firstAt: ts,
      lastAt: ts,
    };
    this.slots.set(keyString(widened), slot);
    if (widened === key) {
      const k = key.action + '\u0000' + String(key.ip);
      this.perAddress.set(k, fromAddress + 1);
    }
    return { kind: 'insert', slot, key: widened };
  }

  /** Open rows in the current window (for tests and metrics). */
  get openRows(): number {
    return this.slots.size;
  }

  private bump(k: string, ts: string): FailureSlot | undefined {
    const slot = this.slots.get(k);
    if (!slot) return undefined;
    slot.count++;
    slot.lastAt = ts;
    return slot;
  }
}

function keyString(key: FailureKey): string {
  return JSON.stringify([key.action, key.ip, key.username, key.reason]);
}
