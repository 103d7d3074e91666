/** Options of SharedRealtimeClient: a RealtimeClient's, plus how the tabs find each other. */
import type { RealtimeClientOptions } from '../options.js';
import type { LockManagerLike, PageEvents, StorageLike, TabChannelFactory } from './platform.js';

export interface SharedRealtimeClientOptions extends RealtimeClientOptions {
  /**
   * Who is signed in (a user id or name). Tabs share a connection only within one origin AND
   * user key: the lock, the channel and the stored instanceId are all named after it.
   */
  userKey: string;
  /** Name prefix of the lock, the BroadcastChannel and the storage key. Default `hdns-realtime`. */
  channel?: string;
  /** Interval of the tabs' heartbeats. Default 1 s. */
  heartbeatMs?: number;
  /** A tab not heard from for this long is gone: its items leave the union. Default 5 s. */
  tabTimeoutMs?: number;
  /** How long a new leader waits for the other tabs' reports before connecting. Default 300 ms. */
  claimWaitMs?: number;
  /** BroadcastChannel factory; default `globalThis.BroadcastChannel` (required). */
  channelFactory?: TabChannelFactory;
  /** Web Locks; default `navigator.locks`; false forces the heartbeat election. */
  locks?: LockManagerLike | false;
  /** Where the stable instanceId is kept; default localStorage. */
  storage?: StorageLike;
  /** Source of `pagehide` (say goodbye before closing); default globalThis in browsers. */
  pageEvents?: PageEvents | false;
}

export interface SharedSettings {
  userKey: string;
  channel: string;
  heartbeatMs: number;
  tabTimeoutMs: number;
  claimWaitMs: number;
  /** Names derived from channel + userKey. */
  names: { lock: string; channel: string; storageKey: string };
}

export function sharedSettings(o: SharedRealtimeClientOptions): SharedSettings {
  const channel = o.channel ?? 'hdns-realtime';
  const heartbeatMs = o.heartbeatMs ?? 1_000;
  const scope = `${channel}:${o.userKey}`;
  return {
    userKey: o.userKey,
    channel,
    heartbeatMs,
    tabTimeoutMs: Math.max(o.tabTimeoutMs ?? 5_000, 2 * heartbeatMs),
    claimWaitMs: o.claimWaitMs ?? 300,
    names: { lock: `${scope}:leader`, channel: scope, storageKey: `${scope}:instance` },
  };
}
