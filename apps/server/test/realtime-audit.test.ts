import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestClient, sleep } from '@hdns/testkit';
import { startTestServer, type TestServer } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Audit records are written after the reply; wait for them rather than for time. */
async function auditEntries(s: TestServer, action: string, n: number) {
  for (let tries = 0; ; tries++) {
    const entries = await s.app.auditLog.list({ action });
    if (entries.length >= n) return entries;
    if (tries > 250)
      throw new Error(`expected ${n} ${action} audit entries, got ${entries.length}`);
    await sleep(20);
  }
}

describe('WebSocket authentication in the audit log', () => {
  it('records every successful ws auth (hello token, Authorization header, in-band refresh, legacy URL) without the token', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    server = await startTestServer({
      env: { HDNS_WS_MAX_PER_USER: '3' },
      logger: { level: 'trace', stream },
    });
    const s = server;
    const first = await s.login();
    const second = await s.login();
    const ws = `${s.url.replace('http', 'ws')}/ws`;

    const byHello = await TestClient.connect(ws, { token: first.accessToken });
    const withHeader = new WebSocket(ws, {
      headers: { authorization: `Bearer ${second.accessToken}` },
    });
    const headerClient = TestClient.wrap(withHeader);
    await new Promise((r) => withHeader.once('open', r));
    headerClient.send({ type: 'hello', id: 'h', protocol: 1 });
    await headerClient.next('welcome');
    const authed = await byHello.client.request(
      { type: 'auth', token: second.accessToken },
      'authed',
    );
    expect(authed.type).toBe('authed');
    const legacy = new WebSocket(
      `${s.url.replace('http', 'ws')}/ws/health/${first.user.id}?token=${first.accessToken}`,
    );
    await new Promise((r) => legacy.once('message', r));

    const entries = await auditEntries(s, 'ws_auth', 4);
    expect(entries).toHaveLength(4);
    for (const e of entries) {
      expect(e).toMatchObject({
        action: 'ws_auth',
        success: true,
        actorUserId: first.user.id,
        actorUsername: 'admin',
        ip: '127.0.0.1',
      });
    }
    expect(entries.map((e) => (e.details as { protocol: string }).protocol).sort()).toEqual([
      'legacy1',
      'v1',
      'v1',
      'v1',
    ]);
    expect(await s.app.auditLog.list({ action: 'ws_auth_failure' })).toEqual([]);

    legacy.close();
    headerClient.close();
    byHello.client.close();
    await s.close();
    const audit = JSON.stringify(entries);
    const log = lines.join('');
    expect(log).toContain('incoming request'); // the capture works: there is a log to search
    for (const token of [first.accessToken, second.accessToken]) {
      expect(audit).not.toContain(token);
      // The signature alone is the secret part; it must not appear either.
      expect(audit).not.toContain(token.split('.')[2]);
      expect(log).not.toContain(token);
    }
  });
});
