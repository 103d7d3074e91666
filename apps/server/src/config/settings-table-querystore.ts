import { bool, filePath, int } from './setting-kinds.js';
import { optional, setting, type SettingTree } from './setting.js';

/** The query store (issue 15): every answered query, searchable at /api/queries. */
export const QUERY_STORE_SETTINGS = {
  enabled: setting(
    'HDNS_QUERY_STORE',
    bool(),
    true,
    'keep every answered query in the query store (search at `/api/queries`, operators and ' +
      'admins); `off` (false): no history, the API answers 503 `QUERY_STORE_OFF`. With ' +
      '`HDNS_DATABASE_URL` the store is in PostgreSQL (its own tables, partitioned by day)',
  ),
  path: optional(
    'HDNS_QUERY_STORE_PATH',
    filePath(),
    "the query store's own SQLite file (WAL, one table per hour); ignored on PostgreSQL",
    { defaultText: '`<data>/queries.db`' },
  ),
  retentionDays: setting(
    'HDNS_QUERY_RETENTION_DAYS',
    int(1, 3650),
    7,
    'days of queries kept; older ones are pruned every minute (whole partitions)',
  ),
  maxMb: setting(
    'HDNS_QUERY_STORE_MAX_MB',
    int(16, 10_000_000),
    2048,
    'size of the query store in MiB beyond which the oldest queries are pruned (every minute)',
  ),
  maxInsertsPerSec: setting(
    'HDNS_QUERY_STORE_MAX_INSERTS_PER_SEC',
    int(100, 10_000_000),
    50_000,
    'queries stored per second at most; above it the store keeps 1 in N and says so ' +
      '(`sampleEvery`, `notStored` in `/api/queries/store`)',
  ),
} satisfies SettingTree;
