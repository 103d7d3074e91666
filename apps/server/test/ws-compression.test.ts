import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseServerFrame } from '@hdns/protocol';
import { rawConnect, RawFrameReader, rawHello, waitFor } from '@hdns/testkit';
import { hello, serverPerTest } from './ws-upgrade.js';

/**
 * HDNS_WS_COMPRESSION and HDNS_WS_COMPRESSION_THRESHOLD on the real app: what the upgrade
 * answers to a browser's offer, and whether the first frame (the welcome, a few hundred bytes)
 * crosses the wire compressed (RSV1). The hub-level behaviour is in
 * packages/hub/test/hub-compression.test.ts.
 */

const { startServer, upgrade } = serverPerTest();
const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});

/** Chrome's offer. */
const CHROME_OFFER = 'permessage-deflate; client_max_window_bits';

async function welcomeFrame(
  url: string,
  token: string,
): Promise<{ accepted: string | undefined; rsv1: boolean; type: string }> {
  let head = '';
  const socket = await rawConnect(url, { extensions: CHROME_OFFER, onHead: (h) => (head = h) });
  sockets.push(socket);
  const reader = new RawFrameReader(socket);
  rawHello(socket, { token, subscribe: ['dns'] });
  const frame = await waitFor(() => reader.dataFrames[0]);
  const parsed = parseServerFrame(frame.text());
  return {
    accepted: /^Sec-WebSocket-Extensions: (.*)$/im.exec(head)?.[1],
    rsv1: frame.rsv1,
    type: parsed.ok ? parsed.frame.type : parsed.message,
  };
}

describe('WebSocket compression settings on the real app', () => {
  it('by default accepts a browser offer without context takeover and sends small frames plain', async () => {
    const server = await startServer();
    const { accepted, rsv1, type } = await welcomeFrame(
      server.wsUrl,
      (await server.login()).accessToken,
    );
    expect(accepted?.split(/;\s*/).sort()).toEqual([
      'client_no_context_takeover',
      'permessage-deflate',
      'server_max_window_bits=11',
      'server_no_context_takeover',
    ]);
    expect(type).toBe('welcome');
    expect(rsv1).toBe(false);
  });

  it('compresses frames at or over HDNS_WS_COMPRESSION_THRESHOLD (0: every frame)', async () => {
    const server = await startServer({ env: { HDNS_WS_COMPRESSION_THRESHOLD: '0' } });
    const { accepted, rsv1, type } = await welcomeFrame(
      server.wsUrl,
      (await server.login()).accessToken,
    );
    expect(accepted).toMatch(/^permessage-deflate;/);
    expect(type).toBe('welcome');
    expect(rsv1).toBe(true);
  });

  it('HDNS_WS_COMPRESSION=off: no extension for anyone, plain frames', async () => {
    const server = await startServer({
      env: { HDNS_WS_COMPRESSION: 'off', HDNS_WS_COMPRESSION_THRESHOLD: '0' },
    });
    const token = (await server.login()).accessToken;
    const { accepted, rsv1, type } = await welcomeFrame(server.wsUrl, token);
    expect(accepted).toBeUndefined();
    expect(type).toBe('welcome');
    expect(rsv1).toBe(false);
    // A `ws` client (the SDK's and CLI's socket) offers the extension and gets none.
    const client = await hello(await upgrade(server.wsUrl), token);
    expect(client.ws.extensions).toBe('');
  });
});
