/**
 * The SDK over the `ws` package offers permessage-deflate (ws's default, the transport passes
 * no options) and decodes compressed frames: against a hub that compresses frames ≥ 1 KB.
 */
import { EXAMPLE_EVENTS } from '@hdns/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { MemoryEventLog } from '../../hub/src/index.js';
import { serveHub, token, waitFor, type ServedHub } from '@hdns/testkit';
import type { RealtimeClient } from '../src/realtime-client.js';
import { createHub } from './support/hub-server.js';
import { nodeClient } from './support/node-client.js';

let server: ServedHub | undefined;
let client: RealtimeClient | undefined;
afterEach(async () => {
  client?.disconnect();
  await server?.stop();
  server = client = undefined;
});

describe('client: permessage-deflate', () => {
  it('negotiates it and reads compressed batches of large events', async () => {
    const serverSockets: WebSocket[] = [];
    server = await serveHub(createHub(new MemoryEventLog()), {
      path: '/ws',
      compression: { threshold: 1024 },
      route: (socket) => {
        serverSockets.push(socket);
        return false;
      },
    });
    const c = nodeClient({
      url: server.url,
      getToken: () => token('u1', 'admin'),
      subscriptions: ['record_updated'],
    });
    client = c.client;
    const seqs: number[] = [];
    const values: string[] = [];
    client.on('record_updated', (e) => {
      seqs.push(e.seq);
      values.push(e.data.after?.value ?? '');
    });
    client.connect();
    await client.ready(5_000);
    expect(serverSockets.map((s) => s.extensions)).toEqual(['permessage-deflate']);

    const ex = EXAMPLE_EVENTS.record_updated;
    const value = (i: number): string => `v=DKIM1; p=${i}:${'MIIBIjANBgkqhkiG9w0B'.repeat(60)}`;
    const published: number[] = [];
    for (let i = 0; i < 100; i++) {
      const after = { ...ex.after, type: 'TXT', value: value(i) };
      published.push((await server.hub.publish('record_updated', { ...ex, after })).seq);
    }
    await waitFor(() => seqs.length >= 100, 10_000, '100 events');
    expect(seqs).toEqual(published);
    expect(values).toEqual(published.map((_, i) => value(i)));
  });
});
