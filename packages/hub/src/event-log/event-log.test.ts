import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEventLogContract, sampleEvent } from './event-log.contract.js';
import { MemoryEventLog } from './memory-event-log.js';
import { SqliteDriver } from './sqlite-driver.js';
import { SqliteEventLog } from './sqlite-event-log.js';

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
      // Pruning the query pool walks its own index.
      expect(
        plan(
          'SELECT seq FROM hub_events WHERE category = ? ORDER BY seq DESC LIMIT 1 OFFSET ?',
          'query',
          10,
        ),
      ).toMatch(/USING COVERING INDEX hub_events_category_seq/);
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
