import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * Where an event could not describe a change, the API refuses the change up front (a 4xx,
 * nothing stored) instead of storing it without its event: the real app, BIND off.
 */

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = (await server.login()).accessToken;
});

afterAll(() => server.close());

describe('changes whose event would not fit are refused before anything is stored', () => {
  it('global forwarders stop at 64 (config_change renders the list), with a 400', async () => {
    for (let i = 0; i < 64; i++) {
      const res = await server.api('/api/forwarders', {
        method: 'POST',
        token,
        body: { name: `f${i}`, address: `2001:db8::${i.toString(16)}`, port: 65_535 },
      });
      expect(res.status).toBe(201);
    }
    const over = await server.api('/api/forwarders', {
      method: 'POST',
      token,
      body: { name: 'one-too-many', address: '192.0.2.1' },
    });
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ code: 'VALIDATION_ERROR' });
    const list = await server.api('/api/forwarders', { token });
    expect((list.body as { forwarders: unknown[] }).forwarders).toHaveLength(64);
    const events = await server.api('/api/events?type=config_change&limit=500', { token });
    expect((events.body as { events: unknown[] }).events).toHaveLength(64);
  });

  it('a zone forwarder longer than an address can be is a 400, not a zone without its event', async () => {
    const res = await server.api('/api/zones', {
      method: 'POST',
      token,
      body: { name: 'fwd.test', type: 'forward', forwarders: [':'.repeat(65)] },
    });
    expect(res.status).toBe(400);
    expect((await server.api('/api/zones/fwd.test', { token })).status).toBe(404);
  });
});
