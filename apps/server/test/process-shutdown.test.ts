import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@hdns/protocol';
import {
  TestClient,
  freePort,
  startServerProcess,
  apiRequest,
  makeTempDir,
  removeDir,
} from '@hdns/testkit';

const PASSWORD = 'shutdown-test-password';
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

/**
 * The real entry point (src/main.ts) in its own process: a signal must close every socket with
 * SERVER_RESTARTING (so clients reconnect and resume) and the process must exit cleanly.
 */
async function shutdownOn(signal: NodeJS.Signals) {
  const dataDir = await makeTempDir('hdns-shutdown-');
  cleanup.push(() => removeDir(dataDir));
  const proc = await startServerProcess(
    { HDNS_DATA_DIR: dataDir, HDNS_ADMIN_PASSWORD: PASSWORD },
    await freePort(),
  );
  cleanup.push(() => proc.stop());
  const login = await apiRequest(`${proc.url}/api/auth/login`, {
    method: 'POST',
    body: { username: 'admin', password: PASSWORD },
  });
  expect(login.status).toBe(200);
  const token = (login.body as { accessToken: string }).accessToken;
  const ws = `${proc.url.replace('http', 'ws')}/ws`;
  const { client } = await TestClient.connect(ws, { token, subscribe: ['system'] });
  // A second socket still waiting for its hello is closed the same way.
  const pending = await TestClient.open(ws);

  const exited = once(proc.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  proc.child.kill(signal);
  const [code, bySignal] = await exited;
  return {
    exit: { code, bySignal },
    authed: await client.waitClosed(),
    pending: await pending.waitClosed(),
    output: proc.output(),
  };
}

describe('graceful shutdown of the server process', () => {
  it('SIGTERM closes every WebSocket with SERVER_RESTARTING and exits with code 0', async () => {
    const r = await shutdownOn('SIGTERM');
    expect(r.exit, r.output).toEqual({ code: 0, bySignal: null });
    expect(r.authed.code).toBe(CloseCode.SERVER_RESTARTING);
    expect(r.pending.code).toBe(CloseCode.SERVER_RESTARTING);
  }, 60_000);

  it('SIGINT (Ctrl-C) does the same', async () => {
    const r = await shutdownOn('SIGINT');
    expect(r.exit, r.output).toEqual({ code: 0, bySignal: null });
    expect(r.authed.code).toBe(CloseCode.SERVER_RESTARTING);
    expect(r.pending.code).toBe(CloseCode.SERVER_RESTARTING);
  }, 60_000);
});
