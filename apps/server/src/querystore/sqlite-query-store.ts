import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SqliteDriver, type SqliteDatabase, type SqliteStatement } from '@hdns/hub';
import type { ClientSummary, QueryPage, QuerySearch } from '@hdns/protocol/rest';
import type { QueryFacts } from '../queries/query-facts.js';
import { ensurePrivateFile, tightenSqliteFiles } from '../storage/private-files.js';
import { addressBytes, addressText } from '../lib/ip-text.js';
import { ClientSummaryBuilder, type SummaryGroup } from './client-summary.js';
import { encodeCursor } from './query-cursor.js';
import {
  DAY_MS,
  type QueryStore,
  type QueryStoreLimits,
  type QueryStoreUsage,
} from './query-store.js';
import { reverseName } from './reversed-name.js';
import {
  COLUMNS,
  recordOf,
  rowValues,
  searchFilter,
  whereClauses,
  type StoredRow,
} from './search-filter.js';

export interface SqliteQueryStoreOptions extends QueryStoreLimits {
  /** The store's own database file (not the app database): `<dataDir>/queries.db`. */
  file: string;
  /** Span of one partition table. Default hour (see below). */
  partition?: 'hour' | 'day';
}

const SPAN_MS = { hour: 3_600_000, day: DAY_MS } as const;
const TABLE = /^q_(\d{4})(\d{2})(\d{2})(\d{2})$/;
const SELECT = COLUMNS.join(', ');
/** Prepared searches kept; a search's SQL depends on its filters and partition only. */
const STATEMENT_CACHE = 256;

interface Partition {
  start: number;
  table: string;
  /** Counted on first need, then kept up to date. */
  rows: number | null;
  insert: SqliteStatement | null;
}

function tableOf(start: number): string {
  const d = new Date(start).toISOString();
  return `q_${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}${d.slice(11, 13)}`;
}

function startOf(table: string): number | null {
  const m = TABLE.exec(table);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4])) : null;
}

/**
 * The query store in its own SQLite file: WAL, synchronous NORMAL, one transaction per batch.
 *
 * Time-partitioned, one table per UTC hour (default): pruning by age or size drops whole tables,
 * and a search walks the partitions newest first until its page is full (the cursor is where it
 * stopped). Hours rather than days because a search's worst case is a sort of the matches of one
 * partition (a CIDR range, a busy suffix, a list of rcodes cannot use an index for the order):
 * an hour bounds it to an hour of traffic, and the size limit can give back an hour at a time.
 *
 * Each table is WITHOUT ROWID with the primary key (ts, seq): the table itself is the time index,
 * and every secondary index carries (ts, seq) after its own column, so `client = ?`,
 * `rname = ?` and `rcode = ?` come back already in page order. Three secondary indexes only
 * (client, reversed name, rcode): the searches; the other filters are checked on rows
 * the time order or these indexes find.
 */
export class SqliteQueryStore implements QueryStore {
  readonly backend = 'sqlite' as const;
  private readonly db: SqliteDatabase;
  private readonly spanMs: number;
  /** Oldest first. */
  private partitions: Partition[] = [];
  private readonly statements = new Map<string, SqliteStatement>();
  private nextSeq: number;
  private closed = false;

  constructor(private readonly options: SqliteQueryStoreOptions) {
    this.spanMs = SPAN_MS[options.partition ?? 'hour'];
    mkdirSync(path.dirname(options.file), { recursive: true, mode: 0o700 });
    // Client addresses are personal data: owner only, like the app database.
    ensurePrivateFile(options.file);
    tightenSqliteFiles(options.file);
    const db = new SqliteDriver(options.file);
    this.db = db;
    // Before the first table: dropped partitions' pages can then be given back to the disk.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    tightenSqliteFiles(options.file);
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -32000');
    // `PRAGMA optimize` after prunes looks at this many rows per index, not whole partitions.
    db.pragma('analysis_limit = 1000');
    db.function('name_contains', { deterministic: true }, (rname: unknown, needle: unknown) =>
      typeof rname === 'string' && typeof needle === 'string' && reverseName(rname).includes(needle)
        ? 1
        : 0,
    );
    db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)');
    const seq = db.prepare("SELECT value FROM meta WHERE key = 'seq'").pluck().get();
    this.nextSeq = typeof seq === 'number' ? seq : 1;
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'q\\_%' ESCAPE '\\'",
      )
      .pluck()
      .all() as string[];
    for (const table of tables) {
      const start = startOf(table);
      if (start !== null) this.partitions.push({ start, table, rows: null, insert: null });
    }
    this.partitions.sort((a, b) => a.start - b.start);
  }

  private open(): SqliteDatabase {
    if (this.closed) throw new Error('query store is closed');
    return this.db;
  }

  private partitionFor(tsMs: number): Partition {
    const start = Math.floor(tsMs / this.spanMs) * this.spanMs;
    // Inserts land in the newest partition almost always: look there first.
    for (let i = this.partitions.length - 1; i >= 0; i--) {
      const p = this.partitions[i];
      if (p === undefined || p.start < start) break;
      if (p.start === start) return p;
    }
    const table = tableOf(start);
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (
        ts INTEGER NOT NULL, seq INTEGER NOT NULL, client BLOB NOT NULL, port INTEGER NOT NULL,
        transport TEXT NOT NULL, rname TEXT NOT NULL, qtype TEXT NOT NULL, qclass TEXT NOT NULL,
        rcode TEXT, flags TEXT NOT NULL, rflags TEXT, answer_count INTEGER, answer TEXT,
        size INTEGER, latency REAL, blocked INTEGER NOT NULL, rpz TEXT, node TEXT,
        server TEXT NOT NULL, source TEXT NOT NULL,
        PRIMARY KEY (ts, seq)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS ${table}_client ON ${table} (client);
      CREATE INDEX IF NOT EXISTS ${table}_rname ON ${table} (rname);
      CREATE INDEX IF NOT EXISTS ${table}_rcode ON ${table} (rcode);`,
    );
    const created: Partition = { start, table, rows: 0, insert: null };
    this.partitions.push(created);
    this.partitions.sort((a, b) => a.start - b.start);
    return created;
  }

  private insertInto(p: Partition): SqliteStatement {
    p.insert ??= this.db.prepare(
      `INSERT INTO ${p.table} (${SELECT}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    );
    return p.insert;
  }

  private readonly insertBatch = (batch: readonly QueryFacts[]): void => {
    const touched = new Map<Partition, number>();
    for (const facts of batch) {
      const p = this.partitionFor(facts.tsMs);
      this.insertInto(p).run(rowValues(facts, this.nextSeq++));
      touched.set(p, (touched.get(p) ?? 0) + 1);
    }
    this.db
      .prepare(
        "INSERT INTO meta (key, value) VALUES ('seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(this.nextSeq);
    for (const [p, n] of touched) if (p.rows !== null) p.rows += n;
  };

  insert(batch: readonly QueryFacts[]): Promise<void> {
    if (batch.length === 0) return Promise.resolve();
    const db = this.open();
    const seq = this.nextSeq;
    const known = this.partitions.slice();
    try {
      db.transaction(this.insertBatch)(batch);
    } catch (err) {
      // The transaction rolled back: so do the sequence and any partition it created.
      this.nextSeq = seq;
      this.partitions = known;
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return Promise.resolve();
  }

  private statement(sql: string): SqliteStatement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      if (this.statements.size >= STATEMENT_CACHE) this.statements.clear();
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /** Partitions that may hold rows in [fromMs, toMs), newest first. */
  private within(fromMs: number | null, toMs: number | null): Partition[] {
    return this.partitions
      .filter(
        (p) =>
          (fromMs === null || p.start + this.spanMs > fromMs) && (toMs === null || p.start < toMs),
      )
      .reverse();
  }

  search(query: QuerySearch): Promise<QueryPage> {
    try {
      const db = this.open();
      void db;
      const f = searchFilter(query);
      const params: unknown[] = [];
      const where = whereClauses(f, {
        param: (v) => (params.push(v), '?'),
        contains: (p) => `name_contains(rname, ${p})`,
        bool: (b) => (b ? 1 : 0),
      });
      const upper = f.after ? Math.min(f.after.ts + 1, f.toMs ?? Infinity) : f.toMs;
      const rows: StoredRow[] = [];
      // One more than the page: it says whether there is a next page.
      const want = f.limit + 1;
      for (const p of this.within(f.fromMs, upper === Infinity ? null : upper)) {
        const sql =
          `SELECT ${SELECT} FROM ${p.table}` +
          (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
          ` ORDER BY ts DESC, seq DESC LIMIT ${want - rows.length}`;
        rows.push(...(this.statement(sql).all(params) as StoredRow[]));
        if (rows.length >= want) break;
      }
      const items = rows.slice(0, f.limit).map(recordOf);
      const last = rows.length > f.limit ? rows[f.limit - 1] : undefined;
      return Promise.resolve({
        items,
        nextCursor: last ? encodeCursor({ ts: Number(last.ts), seq: Number(last.seq) }) : null,
      });
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  clientSummary(ip: string, fromMs: number, toMs: number): Promise<ClientSummary> {
    try {
      this.open();
      const client = addressBytes(ip);
      const summary = new ClientSummaryBuilder();
      for (const p of this.within(fromMs, toMs)) {
        const groups = this.statement(
          `SELECT rcode, qtype, rname, blocked, count(*) AS n, min(ts) AS first, max(ts) AS last
           FROM ${p.table} WHERE client = ? AND ts >= ? AND ts < ?
           GROUP BY rcode, qtype, rname, blocked`,
        ).all(client, fromMs, toMs) as SummaryGroup[];
        for (const g of groups) summary.add(g);
      }
      return Promise.resolve(summary.build(addressText(client), fromMs, toMs));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private rowsOf(p: Partition): number {
    p.rows ??= this.db.prepare(`SELECT count(*) FROM ${p.table}`).pluck().get() as number;
    return p.rows;
  }

  private usedBytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    const size = this.db.pragma('page_size', { simple: true }) as number;
    return (pages - free) * size;
  }

  private edge(order: 'ASC' | 'DESC'): string | null {
    const list = order === 'ASC' ? this.partitions : [...this.partitions].reverse();
    for (const p of list) {
      const ts = this.db
        .prepare(`SELECT ts FROM ${p.table} ORDER BY ts ${order} LIMIT 1`)
        .pluck()
        .get();
      if (typeof ts === 'number') return new Date(ts).toISOString();
    }
    return null;
  }

  status(): Promise<QueryStoreUsage> {
    try {
      this.open();
      return Promise.resolve({
        rows: this.partitions.reduce((sum, p) => sum + this.rowsOf(p), 0),
        bytes: this.usedBytes(),
        oldest: this.edge('ASC'),
        newest: this.edge('DESC'),
      });
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private drop(p: Partition): number {
    const rows = this.rowsOf(p);
    this.db.exec(`DROP TABLE IF EXISTS ${p.table}`);
    for (const sql of [...this.statements.keys()]) {
      if (sql.includes(` ${p.table} `)) this.statements.delete(sql);
    }
    this.partitions = this.partitions.filter((q) => q !== p);
    return rows;
  }

  prune(nowMs: number): Promise<{ removedRows: number }> {
    try {
      this.open();
      let removed = 0;
      const cutoff = nowMs - this.options.retentionDays * DAY_MS;
      for (const p of [...this.partitions]) {
        if (p.start + this.spanMs <= cutoff) removed += this.drop(p);
        else if (p.start < cutoff) {
          const n = this.db.prepare(`DELETE FROM ${p.table} WHERE ts < ?`).run(cutoff).changes;
          if (p.rows !== null) p.rows -= n;
          removed += n;
        }
      }
      // Over the size: whole partitions, oldest first; the newest one is never dropped whole.
      while (this.usedBytes() > this.options.maxBytes && this.partitions.length > 1) {
        const oldest = this.partitions[0];
        if (oldest) removed += this.drop(oldest);
      }
      const only = this.partitions[0];
      const used = this.usedBytes();
      if (only && used > this.options.maxBytes) {
        // One partition bigger than the limit: its oldest share, by the bytes it is over.
        const rows = this.rowsOf(only);
        const excess = Math.ceil(rows * (1 - this.options.maxBytes / used)) + 1;
        const n = this.db
          .prepare(
            `DELETE FROM ${only.table} WHERE (ts, seq) IN
             (SELECT ts, seq FROM ${only.table} ORDER BY ts, seq LIMIT ?)`,
          )
          .run(excess).changes;
        only.rows = rows - n;
        removed += n;
      }
      if (removed > 0) {
        this.db.pragma('incremental_vacuum');
        this.db.pragma('optimize');
      }
      return Promise.resolve({ removedRows: removed });
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.statements.clear();
      this.db.close();
    }
    return Promise.resolve();
  }
}
