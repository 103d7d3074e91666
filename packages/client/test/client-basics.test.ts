/**
 * Against a real hub over real sockets: connect, subscribe, typed events, category and '*'
 * handlers, the old hook style, rejected items, ack, and the terminal close codes.
 */
import { CloseCode, EXAMPLE_EVENTS, type EventFrame } from '@hdns/protocol';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { MemoryEventLog } from '../../hub/src/index.js';
import { EventType } from '../src/event-type.js';
import type { RealtimeClient } from '../src/realtime-client.js';
import { sleep, token, waitFor } from '@hdns/testkit';
import { createHub, serve, type Served } from './support/hub-server.js';
import { nodeClient } from './support/node-client.js';

let server: Served | undefined;
const clients: RealtimeClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await server?.stop();
  server = undefined;
});

async function start() {
  server = await serve(createHub(new MemoryEventLog()));
  return server;
}

function track<T extends { client: RealtimeClient }>(c: T): T {
  clients.push(c.client);
  return c;
}

describe('client against a real hub: basics', () => {
  it('connects, subscribes and receives typed events by type, category and *', async () => {
    const { url, hub } = await start();
    const { client } = track(
      nodeClient({ url, getToken: () => token('u1', 'admin'), subscriptions: ['zone_created'] }),
    );
    const typed: EventFrame<'record_created'>[] = [];
    const byCategory: string[] = [];
    const all: number[] = [];
    client.on('record_created', (e) => {
      expectTypeOf(e.data.after.value).toEqualTypeOf<string>();
      typed.push(e);
    });
    client.on('dns', (e) => byCategory.push(e.event));
    client.on('*', (e) => all.push(e.seq));
    client.connect();
    await client.ready(5_000);
    expect(client.subscriptions).toEqual(['zone_created']);

    const result = await client.subscribe(['record_created', 'no_such_thing']);
    expect(result.subscriptions).toEqual(['record_created', 'zone_created']);
    expect(result.rejected).toEqual([{ item: 'no_such_thing', reason: 'unknown' }]);

    await hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    await hub.publish('health_update', EXAMPLE_EVENTS.health_update); // not subscribed
    await hub.publish('record_created', EXAMPLE_EVENTS.record_created);
    await waitFor(() => all.length === 2, 5_000, 'two events');
    expect(all).toEqual([1, 3]);
    expect(byCategory).toEqual(['zone_created', 'record_created']);
    expect(typed[0]?.data).toEqual(EXAMPLE_EVENTS.record_created);
    expect(client.position?.seq).toBeGreaterThanOrEqual(3);

    const unsub = await client.unsubscribe(['dns']);
    expect(unsub.subscriptions).toEqual([]);
    expect(await client.ack()).toEqual({ count: 0 }); // the bare hub records no acks
  });

  it('supports the old hook style: subscribe(EventType.X, handler)', async () => {
    const { url, hub } = await start();
    const { client } = track(
      nodeClient({ url, getToken: () => token('u2', 'operator'), subscriptions: ['zone_created'] }),
    );
    client.connect();
    await client.ready(5_000);
    const seen: string[] = [];
    let confirmed = false;
    client.onSignal(
      'subscriptions',
      (s) => (confirmed = s.subscriptions.includes('health_update')),
    );
    const off = client.subscribe(EventType.HEALTH_UPDATE, (e) => seen.push(e.data.overall));
    await waitFor(() => confirmed, 5_000, 'server confirmed the subscription');
    await hub.publish('health_update', EXAMPLE_EVENTS.health_update);
    await waitFor(() => seen.length === 1, 5_000, 'health_update');
    expect(seen).toEqual([EXAMPLE_EVENTS.health_update.overall]);
    off();
    await hub.publish('health_update', EXAMPLE_EVENTS.health_update);
    await sleep(100);
    expect(seen).toHaveLength(1);
  });

  it('reports items the role may not receive as forbidden', async () => {
    const { url } = await start();
    const { client } = track(nodeClient({ url, getToken: () => token('v', 'viewer') }));
    client.connect();
    await client.ready(5_000);
    const r = await client.subscribe(['user_login']);
    expect(r.rejected).toEqual([{ item: 'user_login', reason: 'forbidden' }]);
  });

  it('stops reconnecting when superseded by a newer connection of the same user', async () => {
    const { url, hub } = await start();
    const first = track(
      nodeClient({ url, getToken: () => token('same', 'admin'), instanceId: 'tab-a' }),
    );
    first.client.connect();
    await first.client.ready(5_000);
    const second = track(
      nodeClient({ url, getToken: () => token('same', 'admin'), instanceId: 'tab-b' }),
    );
    second.client.connect();
    await second.client.ready(5_000);
    await waitFor(() => first.client.state.state === 'closed', 5_000, 'first closed');
    expect(first.client.state).toMatchObject({
      state: 'closed',
      reason: 'superseded',
      code: CloseCode.SUPERSEDED,
    });
    await sleep(300); // well past several backoff delays
    expect(first.opens()).toBe(1);
    expect(first.states.at(-1)?.state).toBe('closed');
    expect(hub.connections()).toHaveLength(1);
    expect(second.client.state.state).toBe('open');
  });

  it('stops on AUTH_FAILED without retrying', async () => {
    const { url } = await start();
    let calls = 0;
    const c = track(
      nodeClient({
        url,
        getToken: () => {
          calls++;
          return 'not-a-valid-token';
        },
      }),
    );
    c.client.connect();
    await expect(c.client.ready(5_000)).rejects.toMatchObject({ message: 'auth_failed' });
    expect(c.client.state).toMatchObject({ state: 'closed', code: CloseCode.AUTH_FAILED });
    await sleep(300);
    expect(calls).toBe(1);
  });

  it('stops when an administrator kicks the user', async () => {
    const { url, hub } = await start();
    const c = track(nodeClient({ url, getToken: () => token('kick', 'operator') }));
    c.client.connect();
    await c.client.ready(5_000);
    expect(hub.disconnectUser('kick')).toBe(1);
    await waitFor(() => c.client.state.state === 'closed', 5_000, 'closed');
    expect(c.client.state.reason).toBe('kicked');
    await sleep(200);
    expect(c.opens()).toBe(1);
  });
});
