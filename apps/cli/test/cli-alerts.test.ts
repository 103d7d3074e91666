/**
 * `hdns alerts rules list`, `alerts channels list|test`, `alerts deliveries` and `alerts resend`
 * against the real server, the CLI running as a child process, notifications going to a real
 * local HTTP receiver (loopback targets allowed by HDNS_ALERT_ALLOW_PRIVATE_TARGETS): a test
 * send delivered, a receiver answering 500 leaving a dead delivery that `--status dead` finds and
 * `resend` sends again once the receiver is back. The channel and rule are set up over REST
 * (the CLI only reads them).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForValue } from '@hdns/testkit';
import { startCliServer, type CliServer } from './cli-server.js';

interface DeliveryJson {
  id: string;
  channelId: string;
  reason: string;
  status: string;
  lastStatusCode: number | null;
}

let s: CliServer;
let receiver: http.Server;
let receiverUrl: string;
/** Paths answering 500 until removed. */
const failing = new Set<string>();
const received: string[] = [];
let token: string;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(req.url ?? '');
      res.writeHead(failing.has(req.url ?? '') ? 500 : 200).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  s = await startCliServer({
    env: {
      HDNS_ALERT_ALLOW_PRIVATE_TARGETS: 'true',
      HDNS_ALERT_POLL_MS: '100',
      HDNS_ALERT_RETRY_BASE_MS: '50',
      HDNS_ALERT_MAX_ATTEMPTS: '2',
      HDNS_ALERT_TIMEOUT: '5',
    },
  });
  token = (await s.server.login()).accessToken;
}, 60_000);

afterAll(async () => {
  await s?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function createChannel(name: string, path: string): Promise<string> {
  const res = await s.server.api('/api/alerts/channels', {
    token,
    body: { name, kind: 'webhook', config: { url: `${receiverUrl}${path}` } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body as { id: string }).id;
}

async function deliveries(...args: string[]): Promise<DeliveryJson[]> {
  const r = await s.cli(['alerts', 'deliveries', '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { deliveries: DeliveryJson[] }).deliveries;
}

const statusOf = async (id: string): Promise<DeliveryJson | undefined> =>
  (await deliveries()).find((d) => d.id === id);

describe('hdns alerts', () => {
  it('lists channels and rules, sends a test, finds a dead delivery and re-sends it', async () => {
    const ok = await createChannel('ops hook', '/hook');
    failing.add('/down');
    const down = await createChannel('down hook', '/down');
    const rule = await s.server.api('/api/alerts/rules', {
      token,
      body: { name: 'zones made', match: { types: ['zone_created'] }, channelIds: [ok] },
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);

    const channels = await s.cli(['alerts', 'channels', 'list']);
    expect(channels.code, channels.stderr).toBe(0);
    expect(channels.stdout).toMatch(
      new RegExp(`^${ok}\\s+ops hook\\s+webhook\\s+yes\\s+${receiverUrl}/hook$`, 'm'),
    );
    const rules = await s.cli(['alerts', 'rules', 'list']);
    expect(rules.stdout).toMatch(/zones made\s+yes\s+1\s+-\s+zone_created$/m);
    const rulesJson = await s.cli(['alerts', 'rules', 'list', '--json']);
    expect(JSON.parse(rulesJson.stdout)).toMatchObject({ rules: [{ name: 'zones made' }] });

    const test = await s.cli(['alerts', 'channels', 'test', ok]);
    expect(test.code, test.stderr).toBe(0);
    const testId = test.stdout.trim();
    const delivered = await waitForValue(
      () => statusOf(testId),
      (d) => d?.status === 'delivered',
      'the test delivery',
    );
    expect(delivered).toMatchObject({ channelId: ok, reason: 'test', lastStatusCode: 200 });
    expect(received).toContain('/hook');

    const bad = await s.cli(['alerts', 'channels', 'test', down, '--json']);
    expect(bad.code, bad.stderr).toBe(0);
    const badId = (JSON.parse(bad.stdout) as DeliveryJson).id;
    await waitForValue(
      () => statusOf(badId),
      (d) => d?.status === 'dead',
      'a dead delivery',
    );
    expect((await deliveries('--status', 'dead')).map((d) => d.id)).toEqual([badId]);
    const table = await s.cli(['alerts', 'deliveries', '--status', 'dead']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+CREATED\s+CHANNEL\s+REASON\s+STATUS/);
    expect(table.stdout).toMatch(new RegExp(`^${badId}\\s.*\\stest\\s+dead\\s+2\\s+500\\s`, 'm'));

    failing.delete('/down');
    const resent = await s.cli(['alerts', 'resend', badId]);
    expect(resent.code, resent.stderr).toBe(0);
    const resentId = resent.stdout.trim();
    expect(resentId).not.toBe(badId);
    await waitForValue(
      () => statusOf(resentId),
      (d) => d?.status === 'delivered',
      'the re-send',
    );
  });

  it('refuses bad usage (exit 2) and unknown ids (exit 3)', async () => {
    const status = await s.cli(['alerts', 'deliveries', '--status', 'lost']);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('--status must be one of pending, sending, delivered');
    const limit = await s.cli(['alerts', 'deliveries', '-n', '0']);
    expect(limit.code).toBe(2);
    const frob = await s.cli(['alerts', 'channels', 'frob']);
    expect(frob.code).toBe(2);
    expect(frob.stderr).toContain('expected `hdns alerts channels list` or');
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await s.cli(['alerts', 'resend', unknown])).code).toBe(3);
    expect((await s.cli(['alerts', 'channels', 'test', unknown])).code).toBe(3);
  });
});
