import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS, REDACTED } from '@hdns/protocol';
import { TestClient } from '@hdns/testkit';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * Issue 11, item 8, against a real server: the exact leak from the issue (a security_alert whose
 * message names the client address that `clientIp` redacts), over the WebSocket and over REST,
 * for a viewer, an operator and an admin; and the actor's username of a change.
 */

let s: TestServer;
const tokens: Record<'admin' | 'operator' | 'viewer', string> = {
  admin: '',
  operator: '',
  viewer: '',
};

beforeAll(async () => {
  s = await startTestServer();
  tokens.admin = (await s.login()).accessToken;
  for (const role of ['operator', 'viewer'] as const) {
    const created = await s.api('/api/users', {
      method: 'POST',
      token: tokens.admin,
      body: { username: `${role}1`, password: 'password-123', role, zones: null },
    });
    expect(created.status).toBe(201);
    tokens[role] = (await s.login(`${role}1`, 'password-123')).accessToken;
  }
}, 30_000);
afterAll(async () => {
  await s.close();
});

const LEAK = {
  ...EXAMPLE_EVENTS.security_alert,
  clientIp: '127.0.0.1',
  message:
    '127.0.0.1 hit response-policy rules 20 times in 60 s (last: ads.example, from 2001:db8::7)',
};

async function connect(role: keyof typeof tokens) {
  const { client } = await TestClient.connect(`${s.url.replace('http', 'ws')}/ws`, {
    token: tokens[role],
    subscribe: ['security_alert', 'zone_created'],
  });
  return client;
}

describe('free text and actor names in what each role receives', () => {
  it('a viewer gets the security_alert message without the addresses, live and from history', async () => {
    const clients = {
      viewer: await connect('viewer'),
      operator: await connect('operator'),
      admin: await connect('admin'),
    };
    const sent = await s.api('/api/admin/events', {
      method: 'POST',
      token: tokens.admin,
      body: { type: 'security_alert', data: LEAK },
    });
    expect(sent.status).toBe(201);

    const [viewer] = await clients.viewer.waitForEvents(1);
    expect(viewer?.data).toMatchObject({
      clientIp: REDACTED,
      message: '[ip] hit response-policy rules 20 times in 60 s (last: ads.example, from [ip])',
    });
    expect(JSON.stringify(viewer)).not.toMatch(/127\.0\.0\.1|2001:db8/);
    expect(viewer?.meta.redacted).toEqual(['clientIp', 'message']);
    expect(viewer?.meta.actor?.username).toBe(REDACTED);

    const [operator] = await clients.operator.waitForEvents(1);
    expect(operator?.data).toMatchObject({ clientIp: '127.0.0.1', message: LEAK.message });
    expect(operator?.meta.actor?.username).toBe(REDACTED);
    const [admin] = await clients.admin.waitForEvents(1);
    expect(admin?.data).toEqual(LEAK);
    expect(admin?.meta.actor?.username).toBe('admin');

    // REST history projects the same way.
    const history = await s.api('/api/events?type=security_alert&limit=1', {
      token: tokens.viewer,
    });
    const [logged] = (history.body as { events: { data: unknown; meta: unknown }[] }).events;
    expect(JSON.stringify(logged)).not.toMatch(/127\.0\.0\.1|2001:db8|"admin"/);
    for (const c of Object.values(clients)) {
      c.close();
      await c.waitClosed();
    }
  });

  it('a zone change names its actor to admins only; zone data stays verbatim for everyone', async () => {
    const viewer = await connect('viewer');
    const created = await s.api('/api/zones', {
      method: 'POST',
      token: tokens.admin,
      body: { name: 'verbatim.test', type: 'primary', description: 'reverse zone for 10.9.8.0/24' },
    });
    expect(created.status).toBe(201);
    const [event] = await viewer.waitForEvents(1);
    expect(event?.event).toBe('zone_created');
    expect(event?.meta.actor).toMatchObject({ username: REDACTED });
    expect(typeof event?.meta.actor?.id).toBe('string');
    expect(event?.data).toMatchObject({ after: { description: 'reverse zone for 10.9.8.0/24' } });
    viewer.close();
    await viewer.waitClosed();
  });
});
