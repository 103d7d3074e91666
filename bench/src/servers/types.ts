import type { BenchData, ServerKind } from '../shared.js';

export interface ServerConfig {
  kind: ServerKind;
  /** 0 picks a free port; a restart passes the previous one. */
  port: number;
  /** Ours only: batching window (hub default 20). */
  batchDelayMs?: number;
  /** Ours only: events per batch frame (hub default 100); 1 sends every event at once. */
  maxBatchEvents?: number;
  /**
   * Ours only: the issue-17 delivery knobs, to run ours as it was before them (fixed window,
   * 256 KB in flight, a flush round in one go) beside the defaults.
   */
  tuning?: HubTuning;
  /** Ours only: the heartbeat interval (hub default 25 s); the memory scenario shortens it. */
  heartbeatMs?: number;
  /** Ours only: SQLite file for the event log; absent = MemoryEventLog. */
  sqlitePath?: string;
  /** Ours only: event log and bus in this Redis (under `redisPrefix`) instead of SQLite. */
  redisUrl?: string;
  redisPrefix?: string;
  /** Ours only: permessage-deflate as the app configures it (ws-compression.ts); absent = off. */
  compression?: { threshold: number };
}

export interface HubTuning {
  /** `batchWidening.maxFactor` (1 = the window stays at batchDelayMs). */
  widenMaxFactor?: number;
  /** `outbound.maxInflightBytes`. */
  maxInflightBytes?: number;
  /** `flushSlice` (sessions per event-loop turn in a flush round). */
  flushSlice?: number;
}

/** A server under test, running in its own process. */
export interface BenchServer {
  readonly port: number;
  publish(data: BenchData, critical: boolean): void;
  connections(): number;
  /** Ours: the hub's own figures (BENCH_DEBUG prints them every second). */
  stats?(): object;
  close(): Promise<void>;
}

export const LISTEN_BACKLOG = 4096;
