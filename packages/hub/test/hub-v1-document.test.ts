import { afterEach, describe, expect, it } from 'vitest';
import {
  CloseCode,
  EVENT_CATALOGUE,
  EXAMPLE_EVENTS,
  NOTICE_CODES,
  TransportCloseCode,
  type ServerFrame,
} from '@hdns/protocol';
import { startHub, TestClient, token, type TestHub } from '@hdns/testkit';

/**
 * What docs/protocol.md promises about frame limits, narrowed subscriptions and shutdown, held
 * against a real hub behind a real `ws` server (apps/server/test/protocol-doc-conformance.test.ts
 * reads the document itself against the whole server).
 */

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const adminOnly = (Object.keys(EVENT_CATALOGUE) as (keyof typeof EVENT_CATALOGUE)[]).filter(
  (type) => EVENT_CATALOGUE[type].minRole === 'admin',
);

/** The frames after the reply with this id, up to and including the pong answering `ping`. */
async function framesUntilPong(client: TestClient, afterId: string): Promise<ServerFrame[]> {
  const pong = await client.request({ type: 'ping' }, 'pong');
  const start = client.frames.findIndex((f) => 'id' in f && f.id === afterId);
  return client.frames.slice(start + 1, client.frames.indexOf(pong));
}

describe('hub: frame limits as documented', () => {
  it('a frame over maxFrameBytes: error FRAME_TOO_LARGE, then close 4413 at once', async () => {
    t = await startHub({ session: { maxFrameBytes: 2048 } });
    const { client, welcome } = await TestClient.connect(t.url, { token: token('a', 'viewer') });
    expect(welcome.limits.maxFrameBytes).toBe(2048);
    client.send({ type: 'ping', id: 'big', pad: 'x'.repeat(4096) });
    const closed = await client.waitClosed();
    expect(closed.code).toBe(CloseCode.FRAME_TOO_LARGE);
    expect(client.frames.at(-1)).toMatchObject({ type: 'error', code: 'FRAME_TOO_LARGE' });
  });

  it('a frame over the transport limit: close 1009 from the WebSocket layer, no error frame', async () => {
    t = await startHub();
    const { client } = await TestClient.connect(t.url, { token: token('a', 'viewer') });
    client.send({ type: 'ping', id: 'huge', pad: 'x'.repeat(1024 * 1024) });
    expect((await client.waitClosed()).code).toBe(TransportCloseCode.MESSAGE_TOO_BIG);
    expect(client.frames.filter((f) => f.type === 'error')).toEqual([]);
  });
});

describe('hub: subscriptions narrowed by the server', () => {
  it('an in-band auth with a narrower role: subscribed without id, then notice subscriptions_narrowed', async () => {
    t = await startHub();
    const { client, welcome } = await TestClient.connect(t.url, {
      token: token('u', 'admin'),
      subscribe: ['dns', 'user'],
    });
    const dropped = welcome.subscriptions.filter((s) => adminOnly.some((a) => a === s));
    expect(dropped.length).toBeGreaterThan(0);
    await client.request({ type: 'auth', token: token('u', 'viewer') }, 'authed');
    const after = await framesUntilPong(client, 'r1');
    expect(after.map((f) => f.type)).toEqual(['subscribed', 'notice']);
    const [subscribed, notice] = after;
    expect(subscribed).not.toHaveProperty('id');
    expect(subscribed).toMatchObject({
      subscriptions: welcome.subscriptions.filter((s) => !dropped.includes(s)),
      rejected: dropped.map((item) => ({ item, reason: 'forbidden' })),
    });
    expect(notice).toMatchObject({ code: NOTICE_CODES.SUBSCRIPTIONS_NARROWED });
    for (const type of dropped) expect(notice?.type === 'notice' && notice.message).toContain(type);

    // The narrower set holds: an admin-only event is no longer delivered, a dns one is.
    await t.hub.publish('user_login', EXAMPLE_EVENTS.user_login);
    await t.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    const [event] = await client.waitForEvents(1);
    expect(event?.event).toBe('zone_created');
  });

  it('an in-band auth that keeps the set sends neither', async () => {
    t = await startHub();
    const { client } = await TestClient.connect(t.url, {
      token: token('u', 'operator'),
      subscribe: ['dns'],
    });
    await client.request({ type: 'auth', token: token('u', 'viewer') }, 'authed');
    expect(await framesUntilPong(client, 'r1')).toEqual([]);
  });

  it('a reconnect with the narrower token needs nothing more: welcome.rejected says it', async () => {
    t = await startHub();
    const { welcome } = await TestClient.connect(t.url, {
      token: token('u', 'viewer'),
      subscribe: ['dns', 'user', 'user_login'],
    });
    expect(welcome.rejected).toEqual([
      { item: 'user', reason: 'forbidden' },
      { item: 'user_login', reason: 'forbidden' },
    ]);
    expect(welcome.subscriptions.some((s) => adminOnly.some((a) => a === s))).toBe(false);
  });

  it('hub.updateIdentity narrowing a live session tells it the same way', async () => {
    t = await startHub();
    const { client } = await TestClient.connect(t.url, {
      token: token('u', 'admin'),
      subscribe: ['user'],
    });
    t.hub.updateIdentity('u', { role: 'operator' });
    const subscribed = await client.next('subscribed');
    expect(subscribed).not.toHaveProperty('id');
    expect(subscribed.subscriptions).toEqual([]);
    expect((await client.next('notice')).code).toBe(NOTICE_CODES.SUBSCRIPTIONS_NARROWED);
  });
});

describe('hub: shutdown as documented', () => {
  it('every authenticated v1 session gets notice server_shutdown, then close SERVER_RESTARTING', async () => {
    t = await startHub();
    const a = await TestClient.connect(t.url, { token: token('a', 'viewer') });
    const b = await TestClient.connect(t.url, { token: token('b', 'operator') });
    const pending = await TestClient.open(t.url);
    await t.hub.close();
    for (const { client } of [a, b]) {
      expect((await client.waitClosed()).code).toBe(CloseCode.SERVER_RESTARTING);
      expect(client.frames.at(-1)).toMatchObject({
        type: 'notice',
        level: 'warning',
        code: NOTICE_CODES.SERVER_SHUTDOWN,
      });
    }
    // A socket that has not said hello gets the close alone (no frame before its welcome).
    expect((await pending.waitClosed()).code).toBe(CloseCode.SERVER_RESTARTING);
    expect(pending.frames).toEqual([]);
  });
});
