import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS, type EventDataOf, type EventType } from '@hdns/protocol';
import { PublishError, SqliteEventLog } from '../src/index.js';
import { startHub, TestClient, token, type TestHub } from '@hdns/testkit';

let t: TestHub | undefined;
let dir: string | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function publishedTotal(h: TestHub): Promise<number> {
  const m = await h.registry.getSingleMetric('hdns_events_published_total')?.get();
  return (m?.values ?? []).reduce((n, v) => n + v.value, 0);
}

/** Payloads a careless publisher might pass; the type system is bypassed on purpose. */
const invalid: { type: EventType; data: unknown; why: string }[] = [
  { type: 'zone_created', data: {}, why: 'missing every field' },
  {
    type: 'zone_created',
    data: { ...EXAMPLE_EVENTS.zone_created, zone: 42 },
    why: 'a field of the wrong type',
  },
  {
    type: 'health_alert',
    data: { ...EXAMPLE_EVENTS.health_alert, severity: 'apocalyptic' },
    why: 'a value outside its enum',
  },
  { type: 'dns_query_log', data: null, why: 'no payload at all' },
  { type: 'not_an_event' as EventType, data: {}, why: 'a type outside the catalogue' },
];

describe('hub: publish validates against the catalogue', () => {
  it('rejects payloads that do not match the schema with PublishError and logs nothing', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-publish-'));
    // The server's default log: a real SQLite file.
    t = await startHub({ log: new SqliteEventLog({ path: path.join(dir, 'events.sqlite') }) });
    const { client } = await TestClient.connect(t.url, {
      token: token('a', 'admin'),
      subscribe: ['*'],
    });

    for (const bad of invalid) {
      const attempt = t.hub.publish(bad.type, bad.data as EventDataOf<typeof bad.type>);
      await expect(attempt, bad.why).rejects.toBeInstanceOf(PublishError);
      await expect(attempt).rejects.toMatchObject({ type: bad.type });
    }
    expect(await t.log.lastSeq()).toBe(0);
    expect(await t.log.query({ afterSeq: 0, limit: 100 })).toEqual([]);
    expect(await publishedTotal(t)).toBe(0);

    // The next valid event is the first one anyone sees: nothing slipped out before it.
    const ok = await t.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    expect(ok.seq).toBe(1);
    const [first] = await client.waitForEvents(1);
    expect(first).toMatchObject({ seq: 1, event: 'zone_created' });
    expect(client.events).toHaveLength(1);
    expect(await publishedTotal(t)).toBe(1);
  });
});

describe('hub: publish with a caller-given id (the outbox relay)', () => {
  it('logs and delivers an id once; publishing it again returns the first event and sends nothing', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-publish-'));
    t = await startHub({ log: new SqliteEventLog({ path: path.join(dir, 'events.sqlite') }) });
    const { client } = await TestClient.connect(t.url, {
      token: token('a', 'admin'),
      subscribe: ['zone_created', 'zone_deleted'],
    });
    const id = '6f1b2d8e-0000-4000-8000-000000000001';
    const ts = '2026-12-04T10:00:00.000Z';
    const first = await t.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created, { id, ts });
    expect(first).toMatchObject({ id, ts, seq: 1 });
    const again = await t.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created, { id, ts });
    expect(again).toEqual(first);
    // A later event proves the stream moved on without a second copy of the first.
    await t.hub.publish('zone_deleted', EXAMPLE_EVENTS.zone_deleted);
    await client.waitForEvents(2);
    expect(client.events.map((e) => [e.seq, e.event, e.id === id])).toEqual([
      [1, 'zone_created', true],
      [2, 'zone_deleted', false],
    ]);
    expect(await t.log.lastSeq()).toBe(2);
    expect(await publishedTotal(t)).toBe(2);
  });
});
