/**
 * Issue 11 item 7, zones: an operator whose `zones` is unset (all zones) may not create a zone
 * at or above a public suffix, nor any forward zone (403 ZONE_NEEDS_ADMIN, saying why); admins
 * may, and so may an operator granted exactly that zone. Private and ordinary names stay open
 * to operators. Real app on a real port, real SQLite, real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

let s: TestServer;
let adminToken: string;

async function tokenFor(username: string, zones: string[] | null): Promise<string> {
  const res = await s.api('/api/users', {
    token: adminToken,
    body: { username, password: 'operator-password', role: 'operator', zones },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (await s.login(username, 'operator-password')).accessToken;
}

const createZone = (token: string, body: Record<string, unknown>) =>
  s.api('/api/zones', { token, body });

beforeAll(async () => {
  s = await startTestServer();
  adminToken = (await s.login()).accessToken;
});
afterAll(async () => {
  await s.close();
});

describe('zones at or above a public suffix, and forward zones', () => {
  it('refuses an all-zones operator com, net, co.uk, uk and a forward zone with 403 ZONE_NEEDS_ADMIN', async () => {
    const op = await tokenFor('olga', null);
    for (const name of ['com', 'net', 'co.uk', 'uk']) {
      const res = await createZone(op, { name, type: 'primary' });
      expect(res.status, name).toBe(403);
      expect(res.body, name).toMatchObject({
        code: 'ZONE_NEEDS_ADMIN',
        message: expect.stringContaining('public suffix') as unknown,
        details: { zone: name },
      });
    }
    const forward = await createZone(op, {
      name: 'corp.example',
      type: 'forward',
      forwarders: ['192.0.2.53'],
    });
    expect(forward.status).toBe(403);
    expect(forward.body).toMatchObject({
      code: 'ZONE_NEEDS_ADMIN',
      message: expect.stringContaining('forward zone corp.example') as unknown,
    });
    // The root is not even a zone name the API accepts.
    expect((await createZone(op, { name: '.', type: 'primary' })).status).toBe(400);
    // Nothing was created.
    const list = (await s.api('/api/zones', { token: adminToken })).body as {
      zones: { name: string }[];
    };
    const names = list.zones.map((z) => z.name);
    for (const name of ['com', 'net', 'co.uk', 'uk', 'corp.example']) {
      expect(names).not.toContain(name);
    }
  });

  it('lets an operator create example.com and private names', async () => {
    const op = await tokenFor('oscar', null);
    for (const name of ['example.com', 'corp.internal', 'home.arpa', '10.in-addr.arpa']) {
      const res = await createZone(op, { name, type: 'primary' });
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(201);
    }
  });

  it('lets an admin create com, co.uk and a forward zone', async () => {
    expect((await createZone(adminToken, { name: 'com', type: 'primary' })).status).toBe(201);
    expect((await createZone(adminToken, { name: 'co.uk', type: 'primary' })).status).toBe(201);
    const forward = await createZone(adminToken, {
      name: 'fwd.example',
      type: 'forward',
      forwarders: ['192.0.2.53'],
    });
    expect(forward.status).toBe(201);
  });

  it('keeps an all-zones operator out of admin-made elevated zones (records, settings, delete)', async () => {
    const op = await tokenFor('otis', null);
    const record = await s.api('/api/zones/com/records', {
      token: op,
      body: { name: 'google', type: 'A', value: '192.0.2.66' },
    });
    expect(record.status).toBe(403);
    expect(record.body).toMatchObject({ code: 'ZONE_NEEDS_ADMIN' });
    const fwd = (await s.api('/api/zones/fwd.example', { token: op })).body as { version: number };
    const patch = await s.api('/api/zones/fwd.example', {
      method: 'PATCH',
      token: op,
      body: { version: fwd.version, forwarders: ['198.51.100.1'] },
    });
    expect(patch.status).toBe(403);
    expect(patch.body).toMatchObject({ code: 'ZONE_NEEDS_ADMIN' });
    const del = await s.api('/api/zones/co.uk', { method: 'DELETE', token: op });
    expect(del.status).toBe(403);
    expect((await s.api('/api/zones/co.uk', { token: adminToken })).status).toBe(200);
  });

  it('marks the zones ZONE_NEEDS_ADMIN guards with needsAdmin, in the list and one by one', async () => {
    const list = (await s.api('/api/zones', { token: adminToken })).body as {
      zones: { name: string; needsAdmin: boolean }[];
    };
    const flags = new Map(list.zones.map((z) => [z.name, z.needsAdmin]));
    expect(
      Object.fromEntries(
        ['com', 'co.uk', 'fwd.example', 'example.com'].map((n) => [n, flags.get(n)]),
      ),
    ).toEqual({
      com: true,
      'co.uk': true,
      'fwd.example': true,
      'example.com': false,
    });
    const one = await s.api('/api/zones/fwd.example', { token: adminToken });
    expect(one.body).toMatchObject({ name: 'fwd.example', needsAdmin: true });
  });

  it('lets an operator granted exactly that zone create it (the explicit grant)', async () => {
    const op = await tokenFor('gina', ['lab.example', 'org.uk']);
    const forward = await createZone(op, {
      name: 'lab.example',
      type: 'forward',
      forwarders: ['192.0.2.53'],
    });
    expect(forward.status, JSON.stringify(forward.body)).toBe(201);
    expect((await createZone(op, { name: 'org.uk', type: 'primary' })).status).toBe(201);
    // A grant covers that name only: not its parent, not other zones.
    const parent = await createZone(op, { name: 'uk', type: 'primary' });
    expect(parent.status).toBe(403);
    expect(parent.body).toMatchObject({
      code: 'FORBIDDEN',
      message:
        'uk is outside your zone grants (lab.example, org.uk): an admin can create it or grant it to you',
      details: { zone: 'uk', grants: ['lab.example', 'org.uk'] },
    });
  });
});
