import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED, type EventFrame } from '@hdns/protocol';
import { TestClient } from '@hdns/testkit';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';

/**
 * EDNS Client Subnet end to end: `dig +subnet` against the managed named, BIND writes
 * `[ECS …]` into its query log, the query stream publishes `ecs` in dns_query_log, and the hub
 * redacts it for viewers exactly like the client address.
 */

const run = promisify(execFile);
let h: DnsHarness;
let viewer: TestClient;
let operator: TestClient;

async function digWithSubnet(name: string, subnet: string): Promise<void> {
  await run('dig', [
    '@127.0.0.1',
    '-p',
    String(h.dnsPort),
    `+subnet=${subnet}`,
    '+time=1',
    '+tries=1',
    name,
    'A',
  ]);
}

/** Queries until the client saw the query logged (the tailer starts at the log's end). */
async function queryUntilLogged(client: TestClient, name: string, subnet: string) {
  const seen = (): EventFrame | undefined =>
    client.events.find(
      (e) => e.event === 'dns_query_log' && (e.data as { qname: string }).qname === name,
    );
  for (let attempt = 0; attempt < 20 && !seen(); attempt++) {
    await digWithSubnet(name, subnet);
    await client.waitFor(seen, 1000).catch(() => undefined);
  }
  return client.waitFor(seen, 1000);
}

beforeAll(async () => {
  h = await startDnsHarness(['query'], { HDNS_MONITORS: 'true' });
  // Served locally so every query is answered at once (nothing to recurse to on this machine).
  expect(
    (await h.api('/api/zones', { method: 'POST', body: { name: 'example.test' } })).status,
  ).toBe(201);
  for (const [username, role] of [
    ['vera', 'viewer'],
    ['otto', 'operator'],
  ] as const) {
    await h.api('/api/users', {
      method: 'POST',
      body: { username, password: 'password-123', role },
    });
  }
  const ws = `${h.server.url.replace('http', 'ws')}/ws`;
  const connect = async (username: string) =>
    (
      await TestClient.connect(ws, {
        token: (await h.server.login(username, 'password-123')).accessToken,
        subscribe: ['dns_query_log'],
      })
    ).client;
  viewer = await connect('vera');
  operator = await connect('otto');
}, 60_000);

afterAll(async () => {
  viewer?.close();
  operator?.close();
  await h?.close();
});

describe('ECS client subnet from a real named query log', () => {
  it('is published as ecs for operators and admins and redacted for viewers', async () => {
    const logged = await queryUntilLogged(h.ws, 'ecs.example.test', '192.0.2.0/24');
    expect(logged.data).toMatchObject({
      qname: 'ecs.example.test',
      clientIp: '127.0.0.1',
      ecs: '192.0.2.0/24',
    });
    const op = await operator.waitFor(() =>
      operator.events.find((e) => (e.data as { qname?: string }).qname === 'ecs.example.test'),
    );
    expect(op.data).toMatchObject({ clientIp: '127.0.0.1', ecs: '192.0.2.0/24' });
    const seenByViewer = await viewer.waitFor(() =>
      viewer.events.find((e) => (e.data as { qname?: string }).qname === 'ecs.example.test'),
    );
    expect(seenByViewer.data).toMatchObject({ clientIp: REDACTED, ecs: REDACTED });
    expect(seenByViewer.meta?.redacted).toEqual(expect.arrayContaining(['clientIp', 'ecs']));
  }, 40_000);

  it('reads an IPv6 subnet and a client opting out with a zero-length prefix', async () => {
    const v6 = await queryUntilLogged(h.ws, 'v6.example.test', '2001:db8:1::/48');
    expect((v6.data as { ecs?: string }).ecs).toBe('2001:db8:1::/48');
    const optOut = await queryUntilLogged(h.ws, 'optout.example.test', '0.0.0.0/0');
    expect((optOut.data as { ecs?: string }).ecs).toBe('0.0.0.0/0');
    const plain = h.ws.events.find(
      (e) => e.event === 'dns_query_log' && (e.data as { ecs?: string }).ecs === undefined,
    );
    expect(plain).toBeUndefined();
  }, 40_000);
});
