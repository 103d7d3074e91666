import { randomUUID } from 'node:crypto';
import type { Category } from '@hdns/protocol';
import {
  DEFAULT_RETENTION,
  EventLogClosedError,
  type EventLog,
  type EventQuery,
  type LoggedEvent,
  type NewEvent,
  type RetentionPolicy,
} from './event-log.js';
import { SqliteDriver, type SqliteDatabase, type SqliteStatement } from './sqlite-driver.js';

interface Row {
  seq: number;
  id: string;
  type: string;
  category: string;
  priority: string;
  ts: string;
  body: string;
}

export interface SqliteEventLogOptions {
  /** A file path, or ':memory:' for tests of this class alone. */
  path: string;
  retention?: RetentionPolicy;
  /** Prune every this many appends as well as when `prune()` is called. Default 1000. */
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
  private readonly after: SqliteStatement;
  private readonly retention: RetentionPolicy;
  private readonly pruneEvery: number;
  private appendsSincePrune = 0;
  /** Prepared statements by SQL text: queries take a handful of shapes, replays repeat them. */
  private readonly statements = new Map<string, SqliteStatement>();
  private closed = false;

  constructor(options: SqliteEventLogOptions) {
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.pruneEvery = options.pruneEvery ?? 1000;
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
        body TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS hub_events_ts ON hub_events (ts);
      CREATE INDEX IF NOT EXISTS hub_events_type_seq ON hub_events (type, seq);
    `);
    const found = this.db.prepare(`SELECT value FROM hub_meta WHERE key = 'epoch'`).get() as
      { value: string } | undefined;
    if (found) {
      this.epoch = found.value;
    } else {
      this.epoch = randomUUID();
      this.db.prepare(`INSERT INTO hub_meta (key, value) VALUES ('epoch', ?)`).run(this.epoch);
    }
    this.insert = this.db.prepare(
      `INSERT INTO hub_events (id, type, category, priority, ts, zone, body) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.after = this.db.prepare(`SELECT * FROM hub_events WHERE seq > ? ORDER BY seq LIMIT ?`);
  }

  append(event: NewEvent): Promise<LoggedEvent> {
    if (this.closed) return Promise.reject(new EventLogClosedError());
    const body = JSON.stringify({ data: event.data, meta: event.meta });
    const info = this.insert.run(
      event.id,
      event.event,
      event.category,
      event.priority,
      event.ts,
      event.meta.zone ?? null,
      body,
    );
    if (++this.appendsSincePrune >= this.pruneEvery) this.pruneSync(Date.now());
    return Promise.resolve({ ...event, seq: Number(info.lastInsertRowid) });
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

  async oldestSeq(): Promise<number> {
    if (this.closed) throw new EventLogClosedError();
    const row = this.statement(`SELECT min(seq) AS seq FROM hub_events`).get() as {
      seq: number | null;
    };
    return row.seq ?? (await this.lastSeq()) + 1;
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

  private pruneSync(now: number): number {
    this.appendsSincePrune = 0;
    const cutoff = new Date(now - this.retention.maxAgeMs).toISOString();
    const byAge = this.statement(`DELETE FROM hub_events WHERE ts < ?`).run(cutoff).changes;
    const byCount = this.statement(
      `DELETE FROM hub_events WHERE seq <= (SELECT seq FROM hub_events ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
    ).run(this.retention.maxEvents).changes;
    return byAge + byCount;
  }
}

function fromRow(row: Row): LoggedEvent {
  const body = JSON.parse(row.body) as Pick<LoggedEvent, 'data' | 'meta'>;
  return {
    seq: row.seq,
    id: row.id,
    event: row.type as LoggedEvent['event'],
    category: row.category as LoggedEvent['category'],
    priority: row.priority as LoggedEvent['priority'],
    ts: row.ts,
    data: body.data,
    meta: body.meta,
  };
}

function whereClause(q: EventQuery): { where: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  if (q.afterSeq !== undefined) {
    parts.push('seq > ?');
    params.push(q.afterSeq);
  }
  if (q.beforeSeq !== undefined) {
    parts.push('seq < ?');
    params.push(q.beforeSeq);
  }
  if (q.since !== undefined) {
    parts.push('ts >= ?');
    params.push(q.since);
  }
  if (q.until !== undefined) {
    parts.push('ts <= ?');
    params.push(q.until);
  }
  if (q.types) {
    parts.push(`type IN (${q.types.map(() => '?').join(',') || 'NULL'})`);
    params.push(...q.types);
  }
  if (q.categories) {
    parts.push(`category IN (${q.categories.map(() => '?').join(',') || 'NULL'})`);
    params.push(...q.categories);
  }
  if (q.zones) {
    parts.push(`(zone IS NULL OR zone IN (${q.zones.map(() => '?').join(',') || 'NULL'}))`);
    params.push(...q.zones);
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}
