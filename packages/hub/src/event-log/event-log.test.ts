import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '@hdns/protocol';
import {
  describeEventLogContract,
  queryEvent,
  sampleEvent,
  threatEvent,
} from './event-log.contract.js';
import { MemoryEventLog } from './memory-event-log.js';
import { SqliteDriver } from './sqlite-driver.js';
import { SqliteEventLog } from './sqlite-event-log.js';
import { whereClause } from './sqlite-event-rows.js';

describeEventLogContract('MemoryEventLog', (retention) =>
  Promise.resolve({ log: new MemoryEventLog(retention) }),
);

const dir = mkdtempSync(join(tmpdir(), 'hdns-eventlog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
describeEventLogContract('SqliteEventLog', (retention) => {
  const path = join(dir, `events-${++n}.sqlite`);
  const log = new SqliteEventLog({ path, ...(retention ? { retention } : {}) });
  return Promise.resolve({
    log,
    reopen: async () => {
      await log.close();
      return new SqliteEventLog({ path, ...(retention ? { retention } : {}) });
    },
  });
});

describe('SqliteEventLog: lookups are index searches, not scans of the log', () => {
  it('plans id, (category, seq) and seq lookups on indexes', async () => {
    const path = join(dir, 'plans.sqlite');
    const log = new SqliteEventLog({ path });
    await log.append(sampleEvent());
    const db = new SqliteDriver(path, { readonly: true });
    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((r) => r.detail)
        .join('; ');
    try {
      // Dedup on append, acks by id and unread counts of individually acked events.
      expect(plan('SELECT * FROM hub_events WHERE id = ?', 'x')).toMatch(
        /SEARCH hub_events USING INDEX hub_events_id/,
      );
      expect(plan('SELECT * FROM hub_events WHERE id IN (?, ?) AND seq > ?', 'a', 'b', 0)).toMatch(
        /USING INDEX hub_events_id/,
      );
      // Pruning a pool walks its own index.
      expect(
        plan(
          'SELECT seq FROM hub_events WHERE pool = ? ORDER BY seq DESC LIMIT 1 OFFSET ?',
          'traffic',
          10,
        ),
      ).toMatch(/USING COVERING INDEX hub_events_pool_seq/);
      // Unread counts (ack-store.ts) count a bounded seq window with a reader's type filter:
      // a search bounded on both sides of seq, never a scan of the log.
      const unread = whereClause({ types: EVENT_TYPES, afterSeq: 100, beforeSeq: 200 });
      const unreadPlan = plan(
        `SELECT category, count(*) AS n FROM hub_events ${unread.where} GROUP BY category`,
        ...unread.params,
      );
      expect(unreadPlan).toMatch(
        /SEARCH hub_events USING (INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)|(COVERING )?INDEX hub_events_type_seq \(type=\? AND seq>\? AND seq<\?\))/,
      );
      expect(unreadPlan).not.toMatch(/SCAN hub_events/);
      // Resume replays a seq range.
      expect(
        plan('SELECT * FROM hub_events WHERE seq > ? AND seq < ? ORDER BY seq LIMIT ?', 1, 9, 10),
      ).toMatch(/SEARCH hub_events USING INTEGER PRIMARY KEY/);
    } finally {
      db.close();
      await log.close();
    }
  });
});

describe('SqliteEventLog: a file written before the traffic pool existed', () => {
  it('gets the pool column on open, moves traffic events into their pool and keeps a safe horizon', async () => {
    const path = join(dir, 'legacy.sqlite');
    // The previous layout: no pool column, query events pruned in a pool named after their
    // category, threat_detected in the shared pool.
    const old = new SqliteDriver(path);
    old.exec(`
      CREATE TABLE hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE hub_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, type TEXT NOT NULL,
        category TEXT NOT NULL, priority TEXT NOT NULL, ts TEXT NOT NULL, zone TEXT,
        body TEXT NOT NULL
      );
      CREATE UNIQUE INDEX hub_events_id ON hub_events (id);
      INSERT INTO hub_meta VALUES ('epoch', 'legacy-epoch'), ('pruned_through:*', '0'),
        ('pruned_through:query', '7');
    `);
    const insert = old.prepare(
      `INSERT INTO hub_events (seq, id, type, category, priority, ts, zone, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const rows = [
      [1, sampleEvent()],
      [8, queryEvent()],
      [9, threatEvent()],
      [10, threatEvent()],
      [11, sampleEvent()],
    ] as const;
    for (const [seq, e] of rows) {
      const body = JSON.stringify({ data: e.data, meta: e.meta });
      insert.run(seq, e.id, e.event, e.category, e.priority, e.ts, e.meta.zone ?? null, body);
    }
    old.close();

    const log = new SqliteEventLog({
      path,
      retention: {
        maxEvents: 100,
        maxAgeMs: 3_600_000,
        traffic: { maxEvents: 1, maxAgeMs: 3_600_000 },
      },
    });
    try {
      expect(log.epoch).toBe('legacy-epoch');
      // The new pool starts at the highest horizon any old pool had: no silent gap.
      expect(await log.oldestSeq(['query'])).toBe(8);
      expect(await log.oldestSeq(['dns'])).toBe(1);
      await log.prune();
      // The threat events were moved into the traffic pool, so its count limit applies to them
      // and the shared pool's events stay.
      expect((await log.readAfter(0, 100)).map((e) => e.seq)).toEqual([1, 10, 11]);
      expect(await log.oldestSeq(['security'])).toBe(10);
      expect(await log.oldestSeq(['dns', 'user'])).toBe(1);
    } finally {
      await log.close();
    }
  });
});
