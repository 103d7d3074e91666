import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXAMPLE_EVENTS, EVENT_TYPES, type EventType } from '@hdns/protocol';
import { SqliteEventLog, type EventLog, type EventQuery } from '@hdns/hub';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../storage/db.js';
import { describeStorage } from '../../test/storage-backends.js';
import { AckStore } from './ack-store.js';

/**
 * Unread counts must stay bounded for a user who never acknowledged anything: the real app
 * database and a real SQLite event log, with a small counting window.
 */

let dir: string;
let db: Db;
let log: SqliteEventLog;
const everything: EventQuery = { types: EVENT_TYPES };

async function addUser(id: string): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto('users')
    .values({
      id,
      username: id,
      username_key: id,
      password_hash: 'x',
      role: 'admin',
      zones: null,
      disabled: 0,
      created_at: now,
      updated_at: now,
      version: 1,
    })
    .execute();
}

async function publish(type: EventType, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await log.append({
      id: randomUUID(),
      event: type,
      category: type === 'zone_created' ? 'dns' : 'user',
      priority: 'normal',
      ts: new Date().toISOString(),
      data: EXAMPLE_EVENTS[type],
      meta: { actor: null, zone: null },
    });
  }
}

/** Records the filters the store counts with (the real log answers). */
function recording(inner: EventLog): { log: EventLog; filters: EventQuery[] } {
  const filters: EventQuery[] = [];
  const wrapped = Object.create(inner) as EventLog;
  wrapped.countByCategory = (filter) => {
    filters.push(filter);
    return inner.countByCategory(filter);
  };
  return { log: wrapped, filters };
}

describeStorage('ack store', (open) => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hdns-acks-'));
    db = await open();
    log = new SqliteEventLog({ path: path.join(dir, 'events.sqlite') });
    await addUser('never-acked');
    await addUser('acker');
    await publish('zone_created', 300);
    await publish('user_login', 200);
  });

  afterAll(async () => {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('AckStore unread counts', () => {
    it('count only the newest window of seqs for a user who never acked, and say so', async () => {
      const { log: spied, filters } = recording(log);
      const acks = new AckStore(db, spied, { window: 100 });
      const unread = await acks.unread('never-acked', everything);
      expect(unread).toEqual({ total: 100, byCategory: { user: 100 }, upToSeq: 0, capped: true });
      // The count is over a seq range of the window, not everything above the watermark (0).
      expect(filters).toEqual([expect.objectContaining({ afterSeq: 400, beforeSeq: 501 })]);
    });

    it('are exact and not capped once the watermark is inside the window', async () => {
      const acks = new AckStore(db, log, { window: 100 });
      // Acknowledging up to 450 covers (and reports) at most the window below it.
      expect(await acks.ack('acker', { upToSeq: 450 }, everything)).toBe(100);
      const unread = await acks.unread('acker', everything);
      expect(unread).toEqual({ total: 50, byCategory: { user: 50 }, upToSeq: 450, capped: false });
      // Individually acknowledged events inside the window are subtracted.
      const [one] = await log.query({ afterSeq: 495, limit: 1 });
      expect(await acks.ack('acker', { ids: [one?.id ?? ''] }, everything)).toBe(1);
      expect((await acks.unread('acker', everything)).total).toBe(49);
    });

    it('with the default window, small logs are counted in full', async () => {
      const acks = new AckStore(db, log);
      expect(await acks.unread('never-acked', everything)).toEqual({
        total: 500,
        byCategory: { dns: 300, user: 200 },
        upToSeq: 0,
        capped: false,
      });
    });
  });
});
