import type { BenchData, ServerKind } from '../shared.js';

export interface ServerConfig {
  kind: ServerKind;
  /** 0 picks a free port; a restart passes the previous one. */
  port: number;
  /** Ours only: batching window (hub default 20). */
  batchDelayMs?: number;
  /** Ours only: events per batch frame (hub default 100); 1 sends every event at once. */
  maxBatchEvents?: number;
  /** Ours only: SQLite file for the event log; absent = MemoryEventLog. */
  sqlitePath?: string;
  /** Ours only: event log and bus in this Redis (under `redisPrefix`) instead of SQLite. */
  redisUrl?: string;
  redisPrefix?: string;
}

/** A server under test, running in its own process. */
export interface BenchServer {
  readonly port: number;
  publish(data: BenchData, critical: boolean): void;
  connections(): number;
  close(): Promise<void>;
}

export const LISTEN_BACKLOG = 4096;
