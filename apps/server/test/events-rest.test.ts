import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS, REDACTED, type EventType } from '@hdns/protocol';
import { TestClient, sleep } from '@hdns/testkit';
import { startTestServer, type TestServer } from './helpers.js';

interface View {
  id: string;
  seq: number;
  event: string;
  category: string;
  ts: string;
}
interface Page {
  events: View[];
  nextBeforeSeq: number | null;
  lastSeq: number;
  epoch: string;
}

let s: TestServer;
let adminToken: string;
let viewerToken: string;
/** Seqs published in three phases, each in its own millisecond range. */
const phases: number[][] = [];

const MIX: EventType[] = ['zone_created', 'health_update', 'system_metrics', 'record_created'];

/** Waits (on the clock itself) until no later event can share a millisecond with `ts`. */
async function pastMillisecond(ts: string): Promise<void> {
  while (Date.now() <= Date.parse(ts)) await sleep(1);
}

beforeAll(async () => {
  s = await startTestServer();
  adminToken = (await s.login()).accessToken;
  const created = await s.api('/api/users', {
    method: 'POST',
    token: adminToken,
    body: { username: 'vince', password: 'password-123', role: 'viewer', zones: null },
  });
  expect(created.status).toBe(201);
  viewerToken = (await s.login('vince', 'password-123')).accessToken;
  // Login events of the setup are in the log too; the phases start after them.
  for (let phase = 0; phase < 3; phase++) {
    const seqs: number[] = [];
    let lastTs = '';
    for (let i = 0; i < 8; i++) {
      const type = MIX[i % MIX.length] ?? 'zone_created';
      const logged = await s.app.hub.publish(type, EXAMPLE_EVENTS[type]);
      seqs.push(logged.seq);
      lastTs = logged.ts;
    }
    phases.push(seqs);
    await pastMillisecond(lastTs);
  }
}, 30_000);
afterAll(async () => {
  await s.close();
});

const get = async (query: string, token = adminToken): Promise<Page> => {
  const res = await s.api(`/api/events?${query}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Page;
};

describe('GET /api/events filters and pages', () => {
  it('filters by category (one or several)', async () => {
    const all = (await get('order=asc&limit=500')).events;
    const dnsHealth = await get('category=dns,health&order=asc&limit=500');
    const expected = all.filter((e) => e.category === 'dns' || e.category === 'health');
    expect(expected.length).toBeGreaterThanOrEqual(12);
    expect(dnsHealth.events.map((e) => e.seq)).toEqual(expected.map((e) => e.seq));
    const system = await get('category=system&order=asc&limit=500');
    expect(new Set(system.events.map((e) => e.category))).toEqual(new Set(['system']));
    expect(system.events.filter((e) => e.event === 'system_metrics')).toHaveLength(6);
  });

  it('filters by time range, inclusive at both ends, alone and with a type', async () => {
    const all = (await get('order=asc&limit=500')).events;
    const middle = all.filter((e) => phases[1]?.includes(e.seq));
    const since = middle[0]?.ts ?? '';
    const until = middle[middle.length - 1]?.ts ?? '';
    const range = `since=${encodeURIComponent(since)}&until=${encodeURIComponent(until)}`;
    expect((await get(`${range}&order=asc`)).events.map((e) => e.seq)).toEqual(phases[1]);
    const sinceOnly = await get(`since=${encodeURIComponent(since)}&order=asc&limit=500`);
    expect(sinceOnly.events.map((e) => e.seq)).toEqual([
      ...(phases[1] ?? []),
      ...(phases[2] ?? []),
    ]);
    const zonesInRange = await get(`${range}&type=zone_created&order=asc`);
    expect(zonesInRange.events.map((e) => e.seq)).toEqual(
      middle.filter((e) => e.event === 'zone_created').map((e) => e.seq),
    );
    expect(zonesInRange.events).toHaveLength(2);
  });

  it('pages forward by afterSeq and backward by nextBeforeSeq without gap or duplicate', async () => {
    const all = (await get('order=asc&limit=500')).events.map((e) => e.seq);
    expect(all.length).toBeGreaterThanOrEqual(24);

    const forward: number[] = [];
    let cursor = 0;
    for (;;) {
      const page = await get(`afterSeq=${cursor}&order=asc&limit=5`);
      expect(page.events.length).toBeLessThanOrEqual(5);
      if (page.events.length === 0) break;
      forward.push(...page.events.map((e) => e.seq));
      cursor = page.events[page.events.length - 1]?.seq ?? cursor;
    }
    expect(forward).toEqual(all);

    const backward: number[] = [];
    let before: number | null = null;
    do {
      const page: Page = await get(`limit=5${before === null ? '' : `&beforeSeq=${before}`}`);
      backward.push(...page.events.map((e) => e.seq));
      before = page.nextBeforeSeq;
    } while (before !== null);
    expect(backward).toEqual([...all].reverse());

    // A seq window: after the first phase, before the third.
    const first = phases[0] ?? [];
    const third = phases[2] ?? [];
    const window = await get(
      `afterSeq=${first[first.length - 1]}&beforeSeq=${third[0]}&order=asc&limit=500`,
    );
    expect(window.events.map((e) => e.seq)).toEqual(phases[1]);
  });

  it('applies the same filters for a viewer, within what a viewer may see', async () => {
    const page = await get('category=user&limit=500', viewerToken);
    expect(page.events).toEqual([]);
    const admins = await get('category=user&limit=500');
    expect(admins.events.map((e) => e.event)).toContain('user_login');
    const dns = await get('category=dns&order=asc&limit=500', viewerToken);
    expect(dns.events.map((e) => e.seq)).toEqual(
      (await get('category=dns&order=asc&limit=500')).events.map((e) => e.seq),
    );
  });
});

describe('admin real-time REST', () => {
  it('GET /api/admin/realtime reports live hub figures; viewers are refused', async () => {
    const a = await TestClient.connect(`${s.url.replace('http', 'ws')}/ws`, { token: adminToken });
    const v = await TestClient.connect(`${s.url.replace('http', 'ws')}/ws`, {
      token: viewerToken,
    });
    const unauthenticated = await TestClient.open(`${s.url.replace('http', 'ws')}/ws`);
    const res = await s.api('/api/admin/realtime', { token: adminToken });
    expect(res.status).toBe(200);
    const last = (await get('limit=1')).lastSeq;
    expect(res.body).toEqual({
      connections: 2,
      users: 2,
      pendingAuth: 1,
      queueDepth: 0,
      bufferedBytes: 0,
      position: last,
      epoch: a.welcome.position.epoch,
    });
    expect((await s.api('/api/admin/realtime', { token: viewerToken })).status).toBe(403);
    expect((await s.api('/api/admin/realtime')).status).toBe(401);
    for (const c of [a.client, v.client, unauthenticated]) {
      c.close();
      await c.waitClosed();
    }
  });

  it('POST /api/admin/broadcast reaches a connected viewer at once; a viewer may not broadcast', async () => {
    const { client } = await TestClient.connect(`${s.url.replace('http', 'ws')}/ws`, {
      token: viewerToken,
    });
    const sent = await s.api('/api/admin/broadcast', {
      token: adminToken,
      body: { message: 'Maintenance at 22:00', title: 'Heads up', level: 'warning' },
    });
    expect(sent.status).toBe(201);
    const { seq } = sent.body as { id: string; seq: number };
    const [event] = await client.waitForEvents(1);
    expect(event).toMatchObject({
      seq,
      event: 'admin_broadcast',
      priority: 'critical',
      data: { message: 'Maintenance at 22:00', title: 'Heads up', level: 'warning' },
      // The viewer learns which account broadcast (its id), not its username (admin-only).
      meta: { actor: { username: REDACTED } },
    });

    const before = (await get('limit=1')).lastSeq;
    const refused = await s.api('/api/admin/broadcast', {
      token: viewerToken,
      body: { message: 'I am not an admin' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN' });
    expect((await get('limit=1')).lastSeq).toBe(before);
    client.close();
    await client.waitClosed();
  });
});
