import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PublishError, type PublishOptions } from '@hdns/hub';
import type { EventType } from '@hdns/protocol';
import type { Db } from '../storage/db.js';
import { describeStorage, insertTestZone as insertZone } from '../../test/storage-backends.js';
import { outboxEvent } from './outbox-event.js';
import { Outbox } from './outbox.js';
import { OutboxRelay, type RelayPublish } from './outbox-relay.js';
import { OutboxStore } from './outbox-store.js';

/**
 * The outbox and its relay over a real SQLite app database (migrated); only the hub's publish is
 * replaced by a recorder, so these tests can make it fail on purpose.
 */

const HOUR = 3_600_000;
let db: Db;
let store: OutboxStore;
let published: { type: EventType; id: string | undefined; data: unknown }[];
let failNext: Error[];
let stops: (() => Promise<void>)[];

const publish: RelayPublish = (type, data, options: PublishOptions) => {
  const err = failNext.shift();
  if (err) return Promise.reject(err);
  published.push({ type, id: options.id, data });
  return Promise.resolve();
};

function relay(opts: { pollMs?: number; retryMs?: number } = {}): OutboxRelay {
  const r = new OutboxRelay({
    store,
    publish,
    log: { warn: () => undefined, error: () => undefined },
    pollMs: opts.pollMs ?? HOUR,
    retryMs: opts.retryMs ?? 5,
  });
  stops.push(r.start());
  return r;
}

const alert = (n: number) =>
  outboxEvent(
    'admin_broadcast',
    { broadcastId: `b${n}`, level: 'info', message: `m${n}` },
    { source: 'test' },
  );

async function zoneCount(): Promise<number> {
  const row = await db
    .selectFrom('zones')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describeStorage('outbox', (open) => {
  beforeEach(async () => {
    db = await open();
    store = new OutboxStore(db);
    published = [];
    failNext = [];
    stops = [];
  });

  afterEach(async () => {
    for (const stop of stops) await stop();
  });

  describe('Outbox and OutboxRelay', () => {
    it('commit stores the change with its events and returns once they are published (no poll)', async () => {
      const outbox = new Outbox(db, store, relay()); // the poll is an hour away
      const events = [alert(1), alert(2)];
      await outbox.commit(events, (trx) => insertZone(trx, 'a.test'));
      expect(await zoneCount()).toBe(1);
      expect(published.map((p) => p.id)).toEqual(events.map((e) => e.id));
      expect(await store.count()).toEqual({ pending: 0, dead: 0 });
    });

    it('a waiter is released when another instance relayed its rows (a shared database)', async () => {
      const here = relay();
      const other = relay();
      const events = [alert(1)];
      // Committed by this instance; the other instance's relay delivers it first.
      const last = await db.transaction().execute((trx) => store.insert(trx, events));
      await other.committed(last);
      expect(await store.count()).toEqual({ pending: 0, dead: 0 });
      const released = await Promise.race([
        here.committed(last).then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 2_000)),
      ]);
      expect(released).toBe(true);
      expect(published.map((p) => p.id)).toEqual(events.map((e) => e.id));
    });

    it('a failing change stores neither the change nor its events', async () => {
      const outbox = new Outbox(db, store, relay());
      await expect(
        outbox.commit([alert(1)], async (trx) => {
          await insertZone(trx, 'b.test');
          throw new Error('constraint');
        }),
      ).rejects.toThrow('constraint');
      expect(await zoneCount()).toBe(0);
      expect(await store.count()).toEqual({ pending: 0, dead: 0 });
      expect(published).toEqual([]);
    });

    it('refuses an event the catalogue cannot represent, before anything is written', () => {
      expect(() =>
        outboxEvent('admin_broadcast', {
          broadcastId: 'b',
          level: 'info',
          message: 'x'.repeat(5000),
        }),
      ).toThrow(expect.objectContaining({ code: 'EVENT_NOT_REPRESENTABLE', statusCode: 422 }));
    });

    it('a transient publish failure keeps the row, the commit still resolves, and a retry delivers in order', async () => {
      const outbox = new Outbox(db, store, relay({ retryMs: 5 }));
      failNext = [new Error('event log unavailable'), new Error('still unavailable')];
      const events = [alert(1), alert(2), alert(3)];
      await outbox.commit(events, (trx) => insertZone(trx, 'c.test'));
      expect(await zoneCount()).toBe(1);
      await vi.waitFor(async () => expect((await store.count()).pending).toBe(0));
      expect(published.map((p) => p.id)).toEqual(events.map((e) => e.id));
    });

    it('parks an event the catalogue refuses at relay time as dead and delivers the rest', async () => {
      const r = relay();
      const outbox = new Outbox(db, store, r);
      failNext = [new PublishError('admin_broadcast', 'schema changed')];
      const events = [alert(1), alert(2)];
      await outbox.commit(events, () => Promise.resolve());
      expect(published.map((p) => p.id)).toEqual([events[1]?.id]);
      expect(await store.count()).toEqual({ pending: 0, dead: 1 });
    });

    it('delivers rows a previous process left at start, in seq order', async () => {
      const events = [alert(1), alert(2), alert(3)];
      await db.transaction().execute((trx) => store.insert(trx, events));
      expect(published).toEqual([]);
      relay();
      await vi.waitFor(async () => expect((await store.count()).pending).toBe(0));
      expect(published.map((p) => p.id)).toEqual(events.map((e) => e.id));
    });

    it('stop is idempotent and clears its timers; a commit after it resolves and waits for the next start', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
      const r = new OutboxRelay({
        store,
        publish,
        log: { warn: () => undefined, error: () => undefined },
        pollMs: 10,
      });
      const before = vi.getTimerCount();
      const stop = r.start();
      expect(vi.getTimerCount()).toBe(before + 1);
      await stop();
      await stop();
      expect(vi.getTimerCount()).toBe(before);
      vi.useRealTimers();
      const outbox = new Outbox(db, store, r);
      await outbox.commit([alert(1)], () => Promise.resolve());
      expect(published).toEqual([]);
      expect(await store.count()).toEqual({ pending: 1, dead: 0 });
    });
  });
});
