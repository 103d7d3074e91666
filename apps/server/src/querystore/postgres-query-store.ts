import pg from 'pg';
import type { ClientSummary, QueryPage, QuerySearch } from '@hdns/protocol/rest';
import type { QueryFacts } from '../queries/query-facts.js';
import { addressBytes, addressText } from '../lib/ip-text.js';
import { ClientSummaryBuilder, type SummaryGroup } from './client-summary.js';
import { encodeCursor } from './query-cursor.js';
import {
  DAY_MS,
  type QueryStore,
  type QueryStoreLimits,
  type QueryStoreUsage,
} from './query-store.js';
import {
  COLUMNS,
  recordOf,
  rowValues,
  searchFilter,
  whereClauses,
  type StoredRow,
} from './search-filter.js';

export interface PostgresQueryStoreOptions extends QueryStoreLimits {
  /** The app's database URL (HDNS_DATABASE_URL): the store keeps its own tables there. */
  url: string;
  /** Reported when an idle pooled connection fails. */
  onError?: (err: Error) => void;
}

const PARENT = 'hdns_query_log';
const PARTITION = /^hdns_query_log_(\d{4})(\d{2})(\d{2})$/;
/** Column types in COLUMNS order, for the unnest arrays of a batch insert. */
const TYPES = [
  'int8',
  'int8',
  'bytea',
  'int4',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'int4',
  'text',
  'int4',
  'float8',
  'bool',
  'text',
  'text',
  'text',
  'text',
] as const;

function partitionName(start: number): string {
  return `${PARENT}_${new Date(start).toISOString().slice(0, 10).replace(/-/g, '')}`;
}

function partitionStart(name: string): number | null {
  const m = PARTITION.exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
}

/**
 * The query store on PostgreSQL (when the app database is there): the same contract as SQLite,
 * in its own tables of the app's database. `hdns_query_log` is range-partitioned by UTC day on
 * `ts` (declarative partitioning), so age and size pruning drop whole partitions; searches go to
 * the parent, and PostgreSQL prunes partitions by the time range and merges them in index order.
 * `rname` is `COLLATE "C"` so the suffix range is a byte range whatever the database's locale.
 * Substring search is a sequential scan within the time range (no trigram index: it would cost
 * every insert for a rare search). `seq` is one identity over all partitions: instances sharing
 * the database never reuse an id.
 */
export class PostgresQueryStore implements QueryStore {
  readonly backend = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly known = new Set<number>();
  private ready: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: PostgresQueryStoreOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: 4,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    });
    this.pool.on('error', (err) => options.onError?.(err));
  }

  private async schema(): Promise<void> {
    if (this.closed) throw new Error('query store is closed');
    this.ready ??= (async () => {
      await this.pool.query(`
        CREATE SEQUENCE IF NOT EXISTS ${PARENT}_seq;
        CREATE TABLE IF NOT EXISTS ${PARENT} (
          ts bigint NOT NULL, seq bigint NOT NULL, client bytea NOT NULL, port integer NOT NULL,
          transport text NOT NULL, qname text NOT NULL, rname text COLLATE "C" NOT NULL,
          qtype text NOT NULL, qclass text NOT NULL, rcode text, flags text NOT NULL, rflags text,
          answer_count integer, answer text, size integer, latency double precision,
          blocked boolean NOT NULL, rpz text, node text, server text NOT NULL, source text NOT NULL,
          PRIMARY KEY (ts, seq)
        ) PARTITION BY RANGE (ts);
        CREATE INDEX IF NOT EXISTS ${PARENT}_client ON ${PARENT} (client, ts, seq);
        CREATE INDEX IF NOT EXISTS ${PARENT}_rname ON ${PARENT} (rname, ts, seq);
        CREATE INDEX IF NOT EXISTS ${PARENT}_rcode ON ${PARENT} (rcode, ts, seq);
      `);
      for (const start of await this.partitionStarts()) this.known.add(start);
    })().catch((err: unknown) => {
      this.ready = null;
      throw err;
    });
    await this.ready;
  }

  private async partitionStarts(): Promise<number[]> {
    const { rows } = await this.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       WHERE p.relname = $1`,
      [PARENT],
    );
    return rows
      .map((r) => partitionStart(r.name))
      .filter((s): s is number => s !== null)
      .sort((a, b) => a - b);
  }

  private async ensurePartition(start: number): Promise<void> {
    if (this.known.has(start)) return;
    try {
      await this.pool.query(
        `CREATE TABLE IF NOT EXISTS ${partitionName(start)} PARTITION OF ${PARENT}
         FOR VALUES FROM (${start}) TO (${start + DAY_MS})`,
      );
    } catch (err) {
      // Another instance created it at the same moment: it exists, which is what we wanted.
      if ((err as { code?: string }).code !== '42P07') throw err;
    }
    this.known.add(start);
  }

  async insert(batch: readonly QueryFacts[]): Promise<void> {
    if (batch.length === 0) return;
    await this.schema();
    for (const start of new Set(batch.map((f) => Math.floor(f.tsMs / DAY_MS) * DAY_MS))) {
      await this.ensurePartition(start);
    }
    // One statement per batch: each column an array, unnest turns them back into rows. `seq`
    // comes from the sequence in the order of the batch.
    const columns: unknown[][] = COLUMNS.map(() => []);
    const qnames: string[] = [];
    for (const f of batch) {
      const values = rowValues(f, 0);
      values[15] = f.blocked;
      values.forEach((v, i) => columns[i]?.push(v));
      qnames.push(f.qname);
    }
    const others = COLUMNS.map((c, i) => ({ c, i })).filter(({ c }) => c !== 'seq');
    await this.pool.query(
      `INSERT INTO ${PARENT} (seq, qname, ${others.map(({ c }) => c).join(', ')})
       SELECT nextval('${PARENT}_seq'), u.* FROM unnest($1::text[], ${others
         .map(({ i }, k) => `$${k + 2}::${TYPES[i] ?? 'text'}[]`)
         .join(', ')}) AS u`,
      [qnames, ...others.map(({ i }) => columns[i])],
    );
  }

  async search(query: QuerySearch): Promise<QueryPage> {
    const f = searchFilter(query);
    await this.schema();
    const params: unknown[] = [];
    const where = whereClauses(f, {
      param: (v) => `$${params.push(v)}`,
      contains: (p) => `strpos(qname, ${p}) > 0`,
      bool: (b) => b,
    });
    const { rows } = await this.pool.query<StoredRow>(
      `SELECT ${COLUMNS.join(', ')} FROM ${PARENT}` +
        (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
        ` ORDER BY ts DESC, seq DESC LIMIT ${f.limit + 1}`,
      params,
    );
    const last = rows.length > f.limit ? rows[f.limit - 1] : undefined;
    return {
      items: rows.slice(0, f.limit).map(recordOf),
      nextCursor: last ? encodeCursor({ ts: Number(last.ts), seq: Number(last.seq) }) : null,
    };
  }

  async clientSummary(ip: string, fromMs: number, toMs: number): Promise<ClientSummary> {
    const client = addressBytes(ip);
    await this.schema();
    const { rows } = await this.pool.query<SummaryGroup>(
      `SELECT rcode, qtype, rname, blocked, count(*) AS n, min(ts) AS first, max(ts) AS last
       FROM ${PARENT} WHERE client = $1 AND ts >= $2 AND ts < $3
       GROUP BY rcode, qtype, rname, blocked`,
      [client, fromMs, toMs],
    );
    const summary = new ClientSummaryBuilder();
    for (const g of rows) summary.add(g);
    return summary.build(addressText(client), fromMs, toMs);
  }

  private async bytes(): Promise<number> {
    const { rows } = await this.pool.query<{ bytes: string | null }>(
      `SELECT sum(pg_total_relation_size(i.inhrelid))::text AS bytes FROM pg_inherits i
       JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = $1`,
      [PARENT],
    );
    return Number(rows[0]?.bytes ?? 0);
  }

  async status(): Promise<QueryStoreUsage> {
    await this.schema();
    const { rows } = await this.pool.query<{
      n: string;
      oldest: string | null;
      newest: string | null;
    }>(
      `SELECT count(*)::text AS n, min(ts)::text AS oldest, max(ts)::text AS newest FROM ${PARENT}`,
    );
    const r = rows[0];
    const iso = (v: string | null | undefined) => (v ? new Date(Number(v)).toISOString() : null);
    return {
      rows: Number(r?.n ?? 0),
      bytes: await this.bytes(),
      oldest: iso(r?.oldest),
      newest: iso(r?.newest),
    };
  }

  private async drop(start: number): Promise<number> {
    const name = partitionName(start);
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${name}`,
    );
    await this.pool.query(`DROP TABLE IF EXISTS ${name}`);
    this.known.delete(start);
    return Number(rows[0]?.n ?? 0);
  }

  async prune(nowMs: number): Promise<{ removedRows: number }> {
    await this.schema();
    let removed = 0;
    const cutoff = nowMs - this.options.retentionDays * DAY_MS;
    let starts = await this.partitionStarts();
    for (const start of starts) {
      if (start + DAY_MS <= cutoff) removed += await this.drop(start);
    }
    removed +=
      (await this.pool.query(`DELETE FROM ${PARENT} WHERE ts < $1`, [cutoff])).rowCount ?? 0;
    starts = await this.partitionStarts();
    // Over the size: whole days, oldest first; the newest day is never dropped, nor cut: rows
    // deleted from it free no bytes until vacuum (and then for new rows, not for the disk), so
    // the size would not say when to stop. SQLite, whose free pages count at once, cuts it.
    while (starts.length > 1 && (await this.bytes()) > this.options.maxBytes) {
      const oldest = starts.shift();
      if (oldest !== undefined) removed += await this.drop(oldest);
    }
    return { removedRows: removed };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready?.catch(() => undefined);
    await this.pool.end();
  }
}
