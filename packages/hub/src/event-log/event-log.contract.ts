import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EXAMPLE_EVENTS,
  TRAFFIC_EVENT_TYPES,
  type Category,
  type EventType,
  type Priority,
} from '@hdns/protocol';
import type { EventLog, NewEvent, RetentionPolicy } from './event-log.js';
import { PruneSchedule } from './prune-schedule.js';

export interface EventLogHarness {
  log: EventLog;
  /** Close and open the same storage again; absent for storage that does not outlive a process. */
  reopen?: () => Promise<EventLog>;
}

export type EventLogFactory = (retention?: RetentionPolicy) => Promise<EventLogHarness>;

export function sampleEvent(over: Partial<NewEvent> = {}): NewEvent {
  const event: EventType = over.event ?? 'zone_created';
  const category: Category = over.category ?? 'dns';
  const priority: Priority = over.priority ?? 'normal';
  return {
    id: randomUUID(),
    event,
    category,
    priority,
    ts: new Date().toISOString(),
    data: EXAMPLE_EVENTS[event],
    meta: { actor: null, zone: 'example.test' },
    ...over,
  };
}

export function queryEvent(over: Partial<NewEvent> = {}): NewEvent {
  return sampleEvent({
    event: 'dns_query_log',
    category: 'query',
    priority: 'low',
    meta: { actor: null, zone: null },
    ...over,
  });
}

/** An RPZ hit: a traffic event of the security category, as DNS clients cause them. */
export function threatEvent(over: Partial<NewEvent> = {}): NewEvent {
  return sampleEvent({
    event: 'threat_detected',
    category: 'security',
    priority: 'high',
    meta: { actor: null, zone: null },
    ...over,
  });
}

/** One suite every EventLog implementation must pass. */
export function describeEventLogContract(name: string, factory: EventLogFactory): void {
  describe(`EventLog contract: ${name}`, () => {
    const open: EventLog[] = [];
    const make = async (retention?: RetentionPolicy): Promise<EventLogHarness> => {
      const h = await factory(retention);
      open.push(h.log);
      return h;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((l) => l.close()));
    });

    it('assigns seq 1, 2, 3 … in call order and reads them back', async () => {
      const { log } = await make();
      expect(await log.lastSeq()).toBe(0);
      expect(await log.oldestSeq()).toBe(1);
      const appended = await Promise.all([1, 2, 3, 4, 5].map(() => log.append(sampleEvent())));
      expect(appended.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(await log.lastSeq()).toBe(5);
      const read = await log.readAfter(2, 10);
      expect(read.map((e) => e.seq)).toEqual([3, 4, 5]);
      expect(read[0]).toEqual(appended[2]);
      expect((await log.readAfter(0, 2)).map((e) => e.seq)).toEqual([1, 2]);
      expect(await log.readAfter(5, 10)).toEqual([]);
    });

    it('round-trips data and meta exactly', async () => {
      const { log } = await make();
      const e = sampleEvent({
        data: { ...EXAMPLE_EVENTS.zone_created, zone: 'zoné ✓.test' },
        meta: { actor: { id: 'u1', username: 'alice' }, zone: null, source: 'api' },
      });
      const stored = await log.append(e);
      const [read] = await log.readAfter(0, 1);
      expect(read).toEqual(stored);
      expect(read).toEqual({ ...e, seq: 1 });
    });

    it('filters queries by seq, type, category, time and zone, both orders', async () => {
      const { log } = await make();
      await log.append(sampleEvent({ ts: '2026-01-01T00:00:00.000Z' }));
      await log.append(
        sampleEvent({
          event: 'security_alert',
          category: 'security',
          ts: '2026-01-02T00:00:00.000Z',
          meta: { zone: null },
        }),
      );
      await log.append(
        sampleEvent({ ts: '2026-01-03T00:00:00.000Z', meta: { zone: 'other.test' } }),
      );
      expect((await log.query({ types: ['zone_created'] })).map((e) => e.seq)).toEqual([1, 3]);
      expect((await log.query({ categories: ['security'] })).map((e) => e.seq)).toEqual([2]);
      expect((await log.query({ since: '2026-01-02T00:00:00.000Z' })).map((e) => e.seq)).toEqual([
        2, 3,
      ]);
      expect((await log.query({ until: '2026-01-02T00:00:00.000Z' })).map((e) => e.seq)).toEqual([
        1, 2,
      ]);
      expect((await log.query({ zones: ['example.test'] })).map((e) => e.seq)).toEqual([1, 2]);
      expect((await log.query({ zones: [] })).map((e) => e.seq)).toEqual([2]);
      expect((await log.query({ order: 'desc', limit: 2 })).map((e) => e.seq)).toEqual([3, 2]);
      expect((await log.query({ afterSeq: 1, beforeSeq: 3 })).map((e) => e.seq)).toEqual([2]);
      expect((await log.query({ types: [] })).length).toBe(0);
      expect(await log.countByCategory({})).toEqual({ dns: 2, security: 1 });
      expect(await log.countByCategory({ afterSeq: 1 })).toEqual({ dns: 1, security: 1 });
    });

    it('prunes by count and by age without changing seqs', async () => {
      const { log } = await make({ maxEvents: 3, maxAgeMs: 60_000 });
      const now = Date.parse('2026-06-01T00:00:00.000Z');
      const old = new Date(now - 120_000).toISOString();
      const fresh = new Date(now - 1_000).toISOString();
      await log.append(sampleEvent({ ts: old }));
      for (let i = 0; i < 5; i++) await log.append(sampleEvent({ ts: fresh }));
      await log.prune(now);
      expect(await log.oldestSeq()).toBe(4);
      expect((await log.readAfter(0, 10)).map((e) => e.seq)).toEqual([4, 5, 6]);
      // A later append continues the sequence.
      expect((await log.append(sampleEvent())).seq).toBe(7);
    });

    it('never reuses a seq after everything was pruned', async () => {
      const { log } = await make({ maxEvents: 1000, maxAgeMs: 1 });
      await log.append(sampleEvent({ ts: '2000-01-01T00:00:00.000Z' }));
      await log.append(sampleEvent({ ts: '2000-01-01T00:00:00.000Z' }));
      await log.prune(Date.now());
      expect(await log.readAfter(0, 10)).toEqual([]);
      expect(await log.oldestSeq()).toBe(3);
      expect((await log.append(sampleEvent())).seq).toBe(3);
    });

    it('is idempotent by event id: a second append returns the first and adds nothing', async () => {
      const { log } = await make();
      const first = sampleEvent();
      const a = await log.appendIfNew(first);
      await log.append(sampleEvent());
      // Same id, different body (a relay retry carries the same body; the first one stands).
      const again = await log.appendIfNew({ ...first, ts: '2030-01-01T00:00:00.000Z' });
      expect(a.added).toBe(true);
      expect(again.added).toBe(false);
      expect(again.event).toEqual(a.event);
      expect(await log.append(first)).toEqual(a.event);
      expect(await log.lastSeq()).toBe(2);
      expect((await log.readAfter(0, 10)).map((e) => e.id)).toEqual([first.id, expect.any(String)]);
      expect((await log.append(sampleEvent())).seq).toBe(3);
    });

    it('concurrent appends of one id log it once', async () => {
      const { log } = await make();
      const e = sampleEvent();
      const results = await Promise.all([1, 2, 3, 4].map(() => log.appendIfNew(e)));
      expect(results.filter((r) => r.added)).toHaveLength(1);
      expect(new Set(results.map((r) => r.event.seq))).toEqual(new Set([1]));
      expect(await log.readAfter(0, 10)).toHaveLength(1);
    });

    it('finds events by id, combined with other filters', async () => {
      const { log } = await make();
      const a = await log.append(sampleEvent());
      await log.append(sampleEvent());
      const c = await log.append(
        sampleEvent({ event: 'security_alert', category: 'security', meta: { zone: null } }),
      );
      expect(await log.query({ ids: [c.id, a.id, 'absent'] })).toEqual([a, c]);
      expect(await log.query({ ids: [c.id, a.id], categories: ['dns'] })).toEqual([a]);
      expect(await log.query({ ids: [a.id], afterSeq: 1 })).toEqual([]);
      expect(await log.query({ ids: [] })).toEqual([]);
    });

    it('query events have their own retention: a flood of them never prunes other categories', async () => {
      const { log } = await make({
        maxEvents: 5,
        maxAgeMs: 3_600_000,
        traffic: { maxEvents: 3, maxAgeMs: 3_600_000 },
      });
      const zone = await log.append(sampleEvent());
      const alert = await log.append(
        sampleEvent({ event: 'security_alert', category: 'security', meta: { zone: null } }),
      );
      for (let i = 0; i < 50; i++) await log.append(queryEvent());
      await log.prune();
      const kept = await log.readAfter(0, 100);
      expect(kept.filter((e) => e.category !== 'query')).toEqual([zone, alert]);
      expect(kept.filter((e) => e.category === 'query').map((e) => e.seq)).toEqual([50, 51, 52]);
      // Readers of other categories keep their full horizon; readers of query events do not, nor
      // readers of the security category (threat_detected is a traffic event).
      expect(await log.oldestSeq(['dns', 'user'])).toBe(1);
      expect(await log.oldestSeq(['security'])).toBe(50);
      expect(await log.oldestSeq(['query'])).toBe(50);
      expect(await log.oldestSeq()).toBe(50);
      expect(await log.countByCategory({})).toEqual({ dns: 1, security: 1, query: 3 });
    });

    it('the traffic pool is the catalogue flag: query events and threat_detected, nothing else', () => {
      expect([...TRAFFIC_EVENT_TYPES].sort()).toEqual(
        ['dns_query_log', 'query_stats', 'threat_detected'].sort(),
      );
    });

    it('a threat_detected flood is pruned in the traffic pool and never pushes zone, user or other security events out', async () => {
      const { log } = await make({
        maxEvents: 5,
        maxAgeMs: 3_600_000,
        traffic: { maxEvents: 4, maxAgeMs: 3_600_000 },
      });
      const zone = await log.append(sampleEvent());
      const alert = await log.append(
        sampleEvent({ event: 'security_alert', category: 'security', meta: { zone: null } }),
      );
      const user = await log.append(
        sampleEvent({ event: 'user_login', category: 'user', meta: { zone: null } }),
      );
      for (let i = 0; i < 60; i++) {
        await log.append(i % 2 ? threatEvent() : queryEvent());
      }
      await log.prune();
      const kept = await log.readAfter(0, 100);
      expect(kept.slice(0, 3)).toEqual([zone, alert, user]);
      expect(kept.slice(3).map((e) => e.seq)).toEqual([60, 61, 62, 63]);
      expect(kept.slice(3).map((e) => e.event)).toEqual([
        'dns_query_log',
        'threat_detected',
        'dns_query_log',
        'threat_detected',
      ]);
      expect(await log.oldestSeq(['dns', 'user'])).toBe(1);
      expect(await log.oldestSeq(['security'])).toBe(60);
      expect(await log.countByCategory({})).toEqual({ dns: 1, security: 3, user: 1, query: 2 });
    });

    it('pruning other categories by count and age never removes query events', async () => {
      const now = Date.parse('2026-06-01T00:00:00.000Z');
      const { log } = await make({
        maxEvents: 2,
        maxAgeMs: 60_000,
        traffic: { maxEvents: 100, maxAgeMs: 3_600_000 },
      });
      const old = new Date(now - 120_000).toISOString();
      const q = await log.append(queryEvent({ ts: old }));
      await log.append(sampleEvent({ ts: old }));
      for (let i = 0; i < 4; i++)
        await log.append(sampleEvent({ ts: new Date(now).toISOString() }));
      await log.prune(now);
      const kept = await log.readAfter(0, 100);
      expect(kept.map((e) => e.seq)).toEqual([1, 5, 6]);
      expect(kept[0]).toEqual(q);
      expect(await log.oldestSeq(['query'])).toBe(1);
      expect(await log.oldestSeq(['dns'])).toBe(5);
      // The traffic pool's own age limit still applies.
      await log.prune(now + 2 * 3_600_000);
      expect((await log.query({ categories: ['query'] })).length).toBe(0);
      expect(await log.oldestSeq(['query'])).toBe(2);
    });

    it('close is idempotent and later calls reject', async () => {
      const { log } = await make();
      await log.close();
      await log.close();
      await expect(log.append(sampleEvent())).rejects.toThrow(/closed/);
      await expect(log.readAfter(0, 1)).rejects.toThrow(/closed/);
    });

    it('keeps epoch and seq across a reopen when the storage is durable', async () => {
      const h = await make();
      if (!h.reopen) {
        // Non-durable logs must not pretend continuity: a new instance has a new epoch.
        const other = await make();
        expect(other.log.epoch).not.toBe(h.log.epoch);
        return;
      }
      await h.log.append(sampleEvent());
      await h.log.append(sampleEvent());
      const epoch = h.log.epoch;
      const again = await h.reopen();
      open.push(again);
      expect(again.epoch).toBe(epoch);
      expect((await again.readAfter(0, 10)).map((e) => e.seq)).toEqual([1, 2]);
      expect((await again.append(sampleEvent())).seq).toBe(3);
    });

    it("keeps id dedup and each pool's horizon (across a reopen when durable)", async () => {
      const h = await make({
        maxEvents: 10,
        maxAgeMs: 3_600_000,
        traffic: { maxEvents: 1, maxAgeMs: 3_600_000 },
      });
      const e = sampleEvent();
      const first = await h.log.append(e);
      for (let i = 0; i < 3; i++) await h.log.append(queryEvent());
      await h.log.prune();
      const again = h.reopen ? await h.reopen() : h.log;
      open.push(again);
      expect(await again.oldestSeq(['dns'])).toBe(1);
      expect(await again.oldestSeq(['query'])).toBe(4);
      expect(await again.appendIfNew(e)).toEqual({ event: first, added: false });
      expect(await again.lastSeq()).toBe(4);
    });

    it('a PruneSchedule enforces the age limit of a quiet log, with no append to trigger it', async () => {
      const retention = {
        maxEvents: 1000,
        maxAgeMs: 60_000,
        traffic: { maxEvents: 1000, maxAgeMs: 60_000 },
      };
      const { log } = await make(retention);
      const old = new Date(Date.now() - 120_000).toISOString();
      for (let i = 0; i < 3; i++) await log.append(sampleEvent({ ts: old }));
      await log.append(queryEvent({ ts: old }));
      const fresh = await log.append(sampleEvent());
      expect(await log.oldestSeq()).toBe(1);
      // A short period stands in for the policy's (a tenth of 60 s): the same code path.
      const schedule = new PruneSchedule(log, retention, { intervalMs: 5 });
      try {
        await waitUntil(async () => (await log.oldestSeq()) === 5);
      } finally {
        await schedule.close();
      }
      expect((await log.readAfter(0, 10)).map((e) => e.seq)).toEqual([fresh.seq]);
      // Each pool's horizon: the shared pool pruned through 3, the traffic pool through 4.
      expect(await log.oldestSeq(['dns'])).toBe(4);
      expect(await log.oldestSeq(['query'])).toBe(5);
    });
  });
}

/** Polls `check` until it holds; fails the test after a generous deadline, never by timing. */
async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
