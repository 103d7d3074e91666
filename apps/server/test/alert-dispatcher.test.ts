import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { MemoryEventLog, type EventLog, type LoggedEvent } from '@hdns/hub';
import type { AlertRule } from '@hdns/protocol/rest';
import { AlertCursor, MATCHER_CLAIM_MS } from '../src/alerting/alert-cursor.js';
import { AlertDispatcher } from '../src/alerting/alert-dispatcher.js';
import { DeliveryStore } from '../src/alerting/delivery-store.js';
import { RuleMatcher } from '../src/alerting/rule-matcher.js';
import { RuleStore } from '../src/alerting/rule-store.js';
import type { Db } from '../src/storage/db.js';
import { describeStorage } from './storage-backends.js';

/**
 * The alert dispatcher on SQLite and PostgreSQL with a real event log: one instance matches at
 * a time (the claim in alert_cursor), another takes over once the claim ran out and rebuilds
 * its windows from the log, and a backlog read in batches never fires a held state that a
 * later, still unread event ended.
 */

const CHANNEL = '00000000-0000-4000-8000-000000000001';

function heldRule(forSec: number): AlertRule {
  return {
    id: randomUUID(),
    name: 'forwarder down',
    enabled: true,
    match: { types: ['forwarder_status_change'] },
    threshold: { kind: 'held', when: { to: ['down'] }, forSec, groupBy: 'forwarderId' },
    channelIds: [CHANNEL],
    escalation: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

function status(to: 'healthy' | 'down', atMs: number): Omit<LoggedEvent, 'seq'> {
  return {
    id: randomUUID(),
    event: 'forwarder_status_change',
    category: 'health',
    priority: 'high',
    ts: new Date(atMs).toISOString(),
    meta: { source: 'monitor' },
    data: { forwarderId: 'f1', name: 'up', address: '192.0.2.1', from: null, to, latencyMs: null },
  };
}

function filler(atMs: number): Omit<LoggedEvent, 'seq'> {
  return {
    id: randomUUID(),
    event: 'health_alert',
    category: 'health',
    priority: 'normal',
    ts: new Date(atMs).toISOString(),
    meta: {},
    data: { severity: 'info', source: 'test', message: 'noise' },
  };
}

async function channelRow(db: Db): Promise<void> {
  await db
    .insertInto('alert_channels')
    .values({
      id: CHANNEL,
      name: 'c',
      kind: 'webhook',
      enabled: 1,
      config: JSON.stringify({ url: 'https://example.test/hook' }),
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

function dispatcher(db: Db, log: EventLog, node: string, clock: () => number) {
  const cursor = new AlertCursor(db, log, node, clock);
  const d = new AlertDispatcher(
    cursor,
    log,
    new RuleStore(db),
    new DeliveryStore(db),
    new RuleMatcher(),
    () => undefined,
    clock,
  );
  return { cursor, d };
}

const signal = new AbortController().signal;

async function alertRows(db: Db) {
  return db.selectFrom('alert_deliveries').select(['event_id', 'dedupe_key']).execute();
}

describeStorage('alert dispatcher', (open) => {
  it('one instance matches at a time; another takes over when its claim runs out', async () => {
    const db = await open();
    await channelRow(db);
    await new RuleStore(db).insert(heldRule(60));
    const log = new MemoryEventLog();
    let now = Date.now();
    const clock = () => now;
    const a = dispatcher(db, log, 'a', clock);
    const b = dispatcher(db, log, 'b', clock);
    await a.cursor.ensure();
    await b.cursor.ensure();
    expect((await a.cursor.claim()).holds).toBe(true);
    const down = await log.append(status('down', now));
    // B, not holding the claim, reads nothing and moves nothing; A reads the event.
    expect(await b.d.runOnce(signal)).toBe(false);
    expect(await a.cursor.position()).toBe(0);
    await a.d.runOnce(signal);
    expect(await a.cursor.position()).toBe(down.seq);
    // A stops (no renewal); after its claim ran out B takes over, rebuilds the held state from
    // the log, and fires it once its 60 s have passed.
    now += MATCHER_CLAIM_MS + 1_000;
    await b.d.runOnce(signal);
    expect(await alertRows(db)).toEqual([]);
    now += 60_000;
    await b.d.runOnce(signal);
    expect((await alertRows(db)).map((r) => r.event_id)).toEqual([down.id]);
    // A comes back: it no longer holds the claim, and queues nothing twice.
    expect((await a.cursor.claim()).holds).toBe(false);
    await a.d.runOnce(signal);
    expect(await alertRows(db)).toHaveLength(1);
  });

  it('a backlog read in batches does not fire a state a later event ended', async () => {
    const db = await open();
    await channelRow(db);
    await new RuleStore(db).insert(heldRule(60));
    const log = new MemoryEventLog();
    const { cursor, d } = dispatcher(db, log, 'solo', Date.now);
    await cursor.ensure();
    // An hour ago the forwarder went down for 10 s, with 2,500 other events meanwhile: more
    // than one batch, so the "down" is read a run before the "healthy".
    const t0 = Date.now() - 3_600_000;
    await log.append(status('down', t0));
    for (let i = 0; i < 2_500; i++) await log.append(filler(t0 + 1 + i));
    await log.append(status('healthy', t0 + 10_000));
    expect(await d.runOnce(signal)).toBe(true);
    expect(await d.runOnce(signal)).toBe(false);
    expect(await alertRows(db)).toEqual([]);
    // The same for a state that did last: it fires once the backlog shows it lasted.
    const t1 = Date.now() - 1_800_000;
    const longDown = await log.append(status('down', t1));
    for (let i = 0; i < 2_500; i++) await log.append(filler(t1 + 1 + i * 100));
    expect(await d.runOnce(signal)).toBe(true);
    expect(await d.runOnce(signal)).toBe(false);
    expect((await alertRows(db)).map((r) => r.event_id)).toEqual([longDown.id]);
  });
});
