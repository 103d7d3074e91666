import { randomUUID } from 'node:crypto';
import { TRAFFIC_EVENT_TYPES, type Category } from '@hdns/protocol';
import {
  DEFAULT_RETENTION,
  EventLogClosedError,
  resumeHorizon,
  retentionPool,
  retentionPools,
  TRAFFIC_POOL,
  type AppendResult,
  type EventLog,
  type EventQuery,
  type LoggedEvent,
  type NewEvent,
  type RetentionPolicy,
} from './event-log.js';
import { pruneEveryFor } from './prune-schedule.js';
import { SqliteDriver, type SqliteDatabase, type SqliteStatement } from './sqlite-driver.js';
import { fromRow, whereClause, type Row } from './sqlite-event-rows.js';

export interface SqliteEventLogOptions {
  /** A file path, or ':memory:' for tests of this class alone. */
  path: string;
  retention?: RetentionPolicy;
  /**
   * Prune every this many appends as well as when `prune()` is called. Default: a tenth of the
   * smallest count limit, at most 1,000 (`pruneEveryFor`). Age limits need a timer as well
   * (`PruneSchedule`): appends alone never prune a quiet log.
   */
  pruneEvery?: number;
}

/**
 * The embedded default log: one SQLite file in WAL mode, its own file so event writes never
 * contend with the application's database. `seq` is an AUTOINCREMENT key, so it never repeats
 * even after every row was pruned; the epoch lives in the file and survives restarts.
 */
export class SqliteEventLog implements EventLog {
  readonly epoch: string;
  private readonly db: SqliteDatabase;
  private readonly insert: SqliteStatement;
  private readonly byId: SqliteStatement;
  private readonly after: SqliteStatement;
  /** Per retention pool, the highest seq ever pruned from it (kept in hub_meta). */
  private readonly prunedThrough = new Map<string, number>();
  private readonly retention: RetentionPolicy;
  private readonly pruneEvery: number;
  private appendsSincePrune = 0;
  /** Prepared statements by SQL text: queries take a handful of shapes, replays repeat them. */
  private readonly statements = new Map<string, SqliteStatement>();
  private closed = false;

  constructor(options: SqliteEventLogOptions) {
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.pruneEvery = options.pruneEvery ?? pruneEveryFor(this.retention);
    this.db = new SqliteDriver(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS hub_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL,
        type TEXT NOT NULL,
        category TEXT NOT NULL,
        priority TEXT NOT NULL,
        ts TEXT NOT NULL,
        zone TEXT,
        body TEXT NOT NULL,
        pool TEXT NOT NULL DEFAULT '*'
      );
      CREATE INDEX IF NOT EXISTS hub_events_ts ON hub_events (ts);
      CREATE INDEX IF NOT EXISTS hub_events_type_seq ON hub_events (type, seq);
      CREATE UNIQUE INDEX IF NOT EXISTS hub_events_id ON hub_events (id);
      CREATE INDEX IF NOT EXISTS hub_events_category_seq ON hub_events (category, seq);
    `);
    this.assignPools();
    const found = this.db.prepare(`SELECT value FROM hub_meta WHERE key = 'epoch'`).get() as
      { value: string } | undefined;
    if (found) {
      this.epoch = found.value;
    } else {
      this.epoch = randomUUID();
      this.db.prepare(`INSERT INTO hub_meta (key, value) VALUES ('epoch', ?)`).run(this.epoch);
    }
    this.insert = this.db.prepare(
      `INSERT INTO hub_events (id, type, category, priority, ts, zone, body, pool) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.byId = this.db.prepare(`SELECT * FROM hub_events WHERE id = ?`);
    this.loadHorizons();
    this.after = this.db.prepare(`SELECT * FROM hub_events WHERE seq > ? ORDER BY seq LIMIT ?`);
  }

  append(event: NewEvent): Promise<LoggedEvent> {
    return this.appendIfNew(event).then((r) => r.event);
  }

  appendIfNew(event: NewEvent): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    // The id is logged already (a relay retrying after a crash): the first one stands. Looked up
    // first because a refused INSERT would still use up an AUTOINCREMENT seq (a gap).
    const known = this.byId.get(event.id) as Row | undefined;
    if (known) return Promise.resolve({ event: fromRow(known), added: false });
    const body = JSON.stringify({ data: event.data, meta: event.meta });
    const info = this.insert.run(
      event.id,
      event.event,
      event.category,
      event.priority,
      event.ts,
      event.meta.zone ?? null,
      body,
      retentionPool(event.event),
    );
    if (info.changes === 0) {
      // Another writer on the same file logged it between the lookup and the insert.
      const row = this.byId.get(event.id) as Row | undefined;
      if (row) return Promise.resolve({ event: fromRow(row), added: false });
    }
    // Appends enforce the count limits (as the memory log does on each append); age limits are
    // the timer's (`PruneSchedule`) and `prune()`'s, so an append never removes by the clock.
    if (++this.appendsSincePrune >= this.pruneEvery) this.pruneSync(Date.now(), 'count');
    return Promise.resolve({ event: { ...event, seq: Number(info.lastInsertRowid) }, added: true });
  }

  readAfter(seq: number, limit: number): Promise<LoggedEvent[]> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    return Promise.resolve((this.after.all(seq, Math.max(0, limit)) as Row[]).map(fromRow));
  }

  query(filter: EventQuery): Promise<LoggedEvent[]> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    const { where, params } = whereClause(filter);
    const order = filter.order === 'desc' ? 'DESC' : 'ASC';
    const limit = filter.limit === undefined ? -1 : Math.max(0, filter.limit);
    const rows = this.statement(
      `SELECT * FROM hub_events ${where} ORDER BY seq ${order} LIMIT ?`,
    ).all(...params, limit) as Row[];
    return Promise.resolve(rows.map(fromRow));
  }

  countByCategory(filter: EventQuery): Promise<Partial<Record<Category, number>>> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    const { where, params } = whereClause(filter);
    const rows = this.statement(
      `SELECT category, count(*) AS n FROM hub_events ${where} GROUP BY category`,
    ).all(...params) as { category: Category; n: number }[];
    const counts: Partial<Record<Category, number>> = {};
    for (const r of rows) counts[r.category] = r.n;
    return Promise.resolve(counts);
  }

  lastSeq(): Promise<number> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    const row = this.statement(
      `SELECT seq FROM sqlite_sequence WHERE name = 'hub_events'`,
    ).get() as { seq: number } | undefined;
    return Promise.resolve(row?.seq ?? 0);
  }

  oldestSeq(categories?: readonly Category[]): Promise<number> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    return Promise.resolve(resumeHorizon(this.prunedThrough, categories));
  }

  prune(now = Date.now()): Promise<number> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    return Promise.resolve(this.pruneSync(now));
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
    return Promise.resolve();
  }

  private statement(sql: string): SqliteStatement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      // Bounded in practice (filter shapes × IN-list lengths); cleared if it ever grows large.
      if (this.statements.size >= 256) this.statements.clear();
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /**
   * Each row's `pool` column names its retention pool (retentionPool of its type). A file
   * written before the column existed gets it here, and rows whose type's pool changed (the
   * catalogue's `traffic` flag is the one definition) are moved; both walk indexes.
   */
  private assignPools(): void {
    const columns = this.db.prepare(`PRAGMA table_info(hub_events)`).all() as { name: string }[];
    if (!columns.some((c) => c.name === 'pool')) {
      this.db.exec(`ALTER TABLE hub_events ADD COLUMN pool TEXT NOT NULL DEFAULT '*'`);
    }
    this.db.exec(`CREATE INDEX IF NOT EXISTS hub_events_pool_seq ON hub_events (pool, seq)`);
    const types = [...TRAFFIC_EVENT_TYPES];
    const list = types.map(() => '?').join(',') || 'NULL';
    this.db
      .prepare(`UPDATE hub_events SET pool = ? WHERE type IN (${list}) AND pool <> ?`)
      .run(TRAFFIC_POOL, ...types, TRAFFIC_POOL);
    this.db
      .prepare(`UPDATE hub_events SET pool = '*' WHERE pool = ? AND type NOT IN (${list})`)
      .run(TRAFFIC_POOL, ...types);
  }

  /**
   * Prunes each pool from its oldest seq forward: by age up to the first event young enough, by
   * count down to `maxEvents` (by count only with `only: 'count'`). Walks the (pool, seq)
   * index, so one pool's size never costs the other's pruning.
   */
  private pruneSync(now: number, only?: 'count'): number {
    this.appendsSincePrune = 0;
    let removed = 0;
    for (const { pool, limits } of retentionPools(this.retention)) {
      const where = 'pool = ?';
      const params = [pool];
      const cutoff = new Date(now - limits.maxAgeMs).toISOString();
      const young =
        only === 'count'
          ? { seq: 0 }
          : (this.statement(
              `SELECT seq FROM hub_events WHERE ${where} AND +ts >= ? ORDER BY seq LIMIT 1`,
            ).get(...params, cutoff) as { seq: number } | undefined);
      const keepFromCount = this.statement(
        `SELECT seq FROM hub_events WHERE ${where} ORDER BY seq DESC LIMIT 1 OFFSET ?`,
      ).get(...params, Math.max(0, limits.maxEvents - 1)) as { seq: number } | undefined;
      // Keep from the later of "first young event" and "the maxEvents-th newest"; with no young
      // event at all, the whole pool is too old. (`+ts`: walk by seq, not the ts index.)
      const firstKept = Math.max(young?.seq ?? Number.MAX_SAFE_INTEGER, keepFromCount?.seq ?? 0);
      const last = this.statement(
        `SELECT seq FROM hub_events WHERE ${where} AND seq < ? ORDER BY seq DESC LIMIT 1`,
      ).get(...params, firstKept) as { seq: number } | undefined;
      if (!last) continue;
      removed += this.statement(`DELETE FROM hub_events WHERE ${where} AND seq <= ?`).run(
        ...params,
        last.seq,
      ).changes;
      this.setPrunedThrough(pool, last.seq);
    }
    return removed;
  }

  /**
   * Reads each pool's pruned-through seq. A pool without one (a log written before pools
   * existed, or a pool added by a configuration change) starts at the horizon the log had as
   * one pool: just below its oldest retained event.
   */
  private loadHorizons(): void {
    const rows = this.db
      .prepare(`SELECT key, value FROM hub_meta WHERE key LIKE 'pruned_through:%'`)
      .all() as { key: string; value: string }[];
    for (const r of rows) this.prunedThrough.set(r.key.slice(15), Number(r.value));
    const oldest = this.db.prepare(`SELECT min(seq) AS seq FROM hub_events`).get() as {
      seq: number | null;
    };
    const last = this.db
      .prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'hub_events'`)
      .get() as { seq: number } | undefined;
    // A new pool may hold events another pool (by an older definition) already pruned from:
    // starting it at the highest horizon any pool had errs towards a reload, never a silent gap.
    const initial = Math.max(
      (oldest.seq ?? (last?.seq ?? 0) + 1) - 1,
      ...this.prunedThrough.values(),
    );
    for (const { pool } of retentionPools(this.retention)) {
      if (!this.prunedThrough.has(pool)) this.setPrunedThrough(pool, initial);
    }
  }

  private setPrunedThrough(pool: string, seq: number): void {
    const value = Math.max(this.prunedThrough.get(pool) ?? 0, seq);
    this.prunedThrough.set(pool, value);
    this.statement(
      `INSERT INTO hub_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ).run(`pruned_through:${pool}`, String(value));
  }
}
