import {
  matchesQuery,
  poolsOfCategories,
  retentionPool,
  type EventQuery,
  type LoggedEvent,
  type PoolName,
} from '../event-log/event-log.js';
import type { RedisCommander } from './redis-commander.js';
import { entryId, POOLS } from './redis-keys.js';
import { asArray, asInt, asString, parseEntries } from './redis-replies.js';
import { RANGE } from './redis-scripts.js';

/** The pools a query can match: those of its types and categories (both when unfiltered). */
export function scanPools(filter: EventQuery): Set<PoolName> {
  let pools = new Set<PoolName>(POOLS);
  if (filter.types) pools = new Set(filter.types.map(retentionPool).filter((p) => pools.has(p)));
  if (filter.categories) {
    const of = poolsOfCategories(filter.categories);
    pools = new Set([...pools].filter((p) => of.has(p)));
  }
  return pools;
}

export interface ScanOptions {
  client: RedisCommander;
  keys: readonly string[];
  pools: ReadonlySet<PoolName>;
  filter: EventQuery;
  /** Entries read per pool and round trip. */
  batch: number;
  /** The epoch and counter each round trip saw. */
  onEpoch(epoch: string, seq: number): void;
}

/**
 * The events of `filter` in seq order (ascending, or descending for `order: 'desc'`), read in
 * round trips of `batch` entries per pool and merged. Each round is exact up to the nearest
 * point a full pool batch reached (past it, that pool may hold entries not read yet); the next
 * round starts there. Stops when a round fills no batch, or when the consumer stops iterating.
 */
export async function* scanEvents(options: ScanOptions): AsyncGenerator<LoggedEvent> {
  const { client, keys, pools, filter, batch } = options;
  const desc = filter.order === 'desc';
  const mask = POOLS.map((p) => (pools.has(p) ? '1' : '0')).join('');
  if (!mask.includes('1')) return;
  // Exclusive bounds of the seqs still to read.
  let lo = filter.afterSeq ?? 0;
  let hi = filter.beforeSeq ?? Number.POSITIVE_INFINITY;
  while (hi - lo > 1) {
    const start = entryId(Math.max(1, lo + 1));
    const end = hi === Number.POSITIVE_INFINITY ? '+' : entryId(hi - 1);
    const [epoch, seq, ...lists] = asArray(
      await RANGE.run(client, keys, [start, end, String(batch), desc ? 'desc' : 'asc', mask]),
      'range',
    );
    options.onEpoch(asString(epoch, 'epoch'), asInt(seq, 'seq'));
    const parsed = lists.map(parseEntries);
    // Past the last entry of a full batch, that pool was not read: the round is exact only up to
    // the nearest such point.
    let bound = desc ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    for (const list of parsed) {
      const last = list.length === batch ? list[list.length - 1] : undefined;
      if (last) bound = desc ? Math.max(bound, last.seq) : Math.min(bound, last.seq);
    }
    const merged = parsed
      .flat()
      .filter((e) => (desc ? e.seq >= bound : e.seq <= bound))
      .sort((a, b) => (desc ? b.seq - a.seq : a.seq - b.seq));
    for (const e of merged) if (matchesQuery(e, filter)) yield e;
    if (!Number.isFinite(bound)) return;
    if (desc) hi = bound;
    else lo = bound;
  }
}
