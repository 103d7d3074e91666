import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RealtimeClient } from '@hdns/client';
import {
  allEvents,
  apiRequest,
  freePort,
  makeTempDir,
  removeDir,
  startServerProcess,
  type ServerProcess,
} from '@hdns/testkit';

const PASSWORD = 'client-restart-password';
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

describe('client SDK across a killed server process', () => {
  it('sees every event exactly once and in order while the server is SIGKILLed and restarted twice', async () => {
    const dataDir = await makeTempDir('hdns-client-restart-');
    cleanup.push(() => removeDir(dataDir));
    const port = await freePort();
    const env = { HDNS_DATA_DIR: dataDir, HDNS_ADMIN_PASSWORD: PASSWORD };
    let proc: ServerProcess = await startServerProcess(env, port);
    cleanup.push(() => proc.stop());

    const login = async (): Promise<string> => {
      const res = await apiRequest(`${proc.url}/api/auth/login`, {
        method: 'POST',
        body: { username: 'admin', password: PASSWORD },
      });
      if (res.status !== 200) throw new Error(`login ${res.status}`);
      return (res.body as { accessToken: string }).accessToken;
    };
    let token = await login();
    const client = new RealtimeClient({
      url: `${proc.url.replace('http', 'ws')}/ws`,
      getToken: async () => {
        try {
          return await login();
        } catch {
          return token;
        }
      },
      WebSocket: WebSocket,
      subscriptions: ['record_updated'],
      reconnect: { baseMs: 100, capMs: 500 },
    });
    const seqs: number[] = [];
    let reconnects = 0;
    client.on('record_updated', (e) => seqs.push(e.seq));
    client.onState((s) => {
      if (s.state === 'reconnecting') reconnects++;
    });
    client.connect();
    await client.ready(10_000);

    const emit = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const r = await apiRequest(`${proc.url}/api/admin/events`, {
          method: 'POST',
          token,
          body: { type: 'record_updated' },
        });
        expect(r.status).toBe(201);
      }
    };
    for (let round = 0; round < 3; round++) {
      await emit(700);
      if (round < 2) {
        await proc.kill();
        proc = await startServerProcess(env, port);
        token = await login();
      }
    }
    const all = (await allEvents(proc.url, token, { type: 'record_updated' })).map((e) => e.seq);
    expect(all).toHaveLength(2100);
    const last = all[all.length - 1] ?? 0;
    const deadline = Date.now() + 30_000;
    while (!seqs.includes(last) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(seqs).toEqual(all);
    expect(reconnects).toBeGreaterThanOrEqual(2);
    client.disconnect();
  }, 120_000);
});
