import { afterAll, describe, expect, it } from 'vitest';
import {
  TestClient,
  freePort,
  startServerProcess,
  type ServerProcess,
  apiRequest,
  makeTempDir,
  queryEvents,
  removeDir,
} from '@hdns/testkit';

const PASSWORD = 'restart-test-password';
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

async function login(url: string): Promise<string> {
  const res = await apiRequest(`${url}/api/auth/login`, {
    method: 'POST',
    body: { username: 'admin', password: PASSWORD },
  });
  return (res.body as { accessToken: string }).accessToken;
}

describe('resume across a killed server process', () => {
  it('a client resumes on the restarted process (same SQLite file) with no gap and no duplicate', async () => {
    const dataDir = await makeTempDir('hdns-restart-');
    cleanup.push(() => removeDir(dataDir));
    const port = await freePort();
    const env = { HDNS_DATA_DIR: dataDir, HDNS_ADMIN_PASSWORD: PASSWORD };
    let proc: ServerProcess = await startServerProcess(env, port);
    cleanup.push(() => proc.stop());
    let token = await login(proc.url);
    const ws = `${proc.url.replace('http', 'ws')}/ws`;

    const first = await TestClient.connect(ws, {
      token,
      subscribe: ['system_metrics', 'zone_updated'],
    });
    /** Publishes n events; returns the last one's seq (the log holds others too, e.g. logins). */
    const emit = async (n: number): Promise<number> => {
      let last = 0;
      for (let i = 0; i < n; i++) {
        const r = await apiRequest(`${proc.url}/api/admin/events`, {
          method: 'POST',
          token,
          body: { type: i % 2 ? 'zone_updated' : 'system_metrics' },
        });
        expect(r.status).toBe(201);
        last = (r.body as { seq: number }).seq;
      }
      return last;
    };
    const lastSeq = await emit(200);
    await first.client.waitFor(() => (first.client.through >= lastSeq ? true : undefined));
    const position = { epoch: first.welcome.position.epoch, seq: first.client.through };

    await proc.kill();
    expect(first.client.closed === undefined || first.client.closed.code === 1006).toBe(true);
    await first.client.waitClosed();

    proc = await startServerProcess(env, port);
    token = await login(proc.url);
    await emit(150); // published while the client is away
    const second = await TestClient.connect(ws, {
      token,
      subscribe: ['system_metrics', 'zone_updated'],
      resume: position,
    });
    expect(second.welcome.resume).toMatchObject({ requested: true, ok: true, replayed: 150 });
    await emit(50); // live after the resume

    const history = await queryEvents(proc.url, token, {
      type: ['system_metrics', 'zone_updated'],
      order: 'asc',
      limit: 500,
    });
    const logged = history.map((e) => e.seq);
    expect(logged).toHaveLength(400);
    const last = logged[logged.length - 1] ?? 0;
    await second.client.waitFor(() => (second.client.through >= last ? true : undefined), 20_000);
    // Both processes' events, as the client saw them: every logged event exactly once, in order.
    const seqs = [...first.client.events, ...second.client.events].map((e) => e.seq);
    expect(seqs).toEqual(logged);
  }, 90_000);
});
