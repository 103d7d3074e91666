import type { ClientSummary, QueryPage, QuerySearch } from '@hdns/protocol/rest';
import type { QueryFacts } from '../queries/query-facts.js';

/** How much history a store keeps: `prune` removes what is older or beyond the size. */
export interface QueryStoreLimits {
  retentionDays: number;
  maxBytes: number;
}

/** What a store holds now. */
export interface QueryStoreUsage {
  rows: number;
  /** Bytes the rows take (SQLite: used pages of its file; PostgreSQL: the tables and indexes). */
  bytes: number;
  /** ISO times of the oldest and newest stored query; null when empty. */
  oldest: string | null;
  newest: string | null;
}

/**
 * The query store (issue 15): every answered query, apart from the event log, searched newest
 * first with cursor paging. SQLite (its own file) or PostgreSQL (its own tables), same contract
 * (query-store.contract.ts).
 */
export interface QueryStore {
  readonly backend: 'sqlite' | 'postgres';
  /** Stores a batch in one transaction. */
  insert(batch: readonly QueryFacts[]): Promise<void>;
  /** Newest first; throws AppError BAD_CURSOR for a cursor this store did not produce. */
  search(query: QuerySearch): Promise<QueryPage>;
  /** One client's queries in [fromMs, toMs). */
  clientSummary(ip: string, fromMs: number, toMs: number): Promise<ClientSummary>;
  status(): Promise<QueryStoreUsage>;
  /** Removes rows older than the retention and the oldest beyond the size limit. */
  prune(nowMs: number): Promise<{ removedRows: number }>;
  /** Idempotent. */
  close(): Promise<void>;
}

export const DAY_MS = 86_400_000;

/** Most frequent names a client summary lists. */
export const SUMMARY_TOP = 20;
