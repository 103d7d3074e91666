/**
 * `hdns alerts rules list|add|update|delete`, `alerts channels list|test|add|update|delete`,
 * `alerts deliveries` and `alerts resend` against the real server, the CLI running as a child process, notifications going to a real
 * local HTTP receiver (loopback targets allowed by HDNS_ALERT_ALLOW_PRIVATE_TARGETS): a test
 * send delivered, a receiver answering 500 leaving a dead delivery that `--status dead` finds and
 * `resend` sends again once the receiver is back; rules and channels made from options and JSON
 * spec files (a file and stdin), changed, and deleted, with the exit codes of bad specs (2),
 * unknown ids (3) and a channel still in use (4).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
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
let specDir: string;

beforeAll(async () => {
  specDir = await mkdtemp(path.join(os.tmpdir(), 'hdns-alert-specs-'));
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
  if (specDir) await rm(specDir, { recursive: true, force: true });
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
    expect(frob.stderr).toContain(
      'expected `hdns alerts channels list`, `hdns alerts channels test`, `hdns alerts channels add`',
    );
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await s.cli(['alerts', 'resend', unknown])).code).toBe(3);
    expect((await s.cli(['alerts', 'channels', 'test', unknown])).code).toBe(3);
  });
});

interface RuleJson {
  id: string;
  name: string;
  enabled: boolean;
  match: Record<string, unknown>;
  threshold: Record<string, unknown> | null;
  channelIds: string[];
  escalation: unknown;
}
interface ChannelJson {
  id: string;
  name: string;
  kind: string;
  enabled: boolean;
  config: Record<string, unknown>;
}

async function spec(name: string, body: unknown): Promise<string> {
  const file = path.join(specDir, name);
  await writeFile(file, typeof body === 'string' ? body : JSON.stringify(body));
  return file;
}

async function listJson<T>(what: 'rules' | 'channels'): Promise<T[]> {
  const r = await s.cli(['alerts', what, 'list', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Record<string, T[]>)[what] ?? [];
}

describe('hdns alerts rules|channels add, update, delete', () => {
  it('makes a webhook channel from options and an email channel from stdin, then changes them', async () => {
    const hook = await s.cli([
      'alerts',
      'channels',
      'add',
      '--name',
      'cli hook',
      '--kind',
      'webhook',
      '--url',
      `${receiverUrl}/cli`,
    ]);
    expect(hook.code, hook.stderr).toBe(0);
    const hookId = hook.stdout.trim();
    expect(hook.stderr).toContain('created webhook channel cli hook');

    const mail = await s.cli(
      ['alerts', 'channels', 'add', '--kind', 'email', '--file', '-', '--json'],
      JSON.stringify({
        name: 'cli mail',
        config: {
          smtpHost: '127.0.0.1',
          smtpPort: 2525,
          smtpPassword: 'mail-secret',
          from: 'hdns@example.com',
          to: ['ops@example.com'],
        },
      }),
    );
    expect(mail.code, mail.stderr).toBe(0);
    const created = JSON.parse(mail.stdout) as ChannelJson;
    expect(created).toMatchObject({ name: 'cli mail', kind: 'email', enabled: true });
    expect(created.config).toMatchObject({ hasSmtpPassword: true, smtpPort: 2525 });
    expect(JSON.stringify(created)).not.toContain('mail-secret');

    // Options change only their fields: host, sender and the stored password stay.
    const upd = await s.cli([
      'alerts',
      'channels',
      'update',
      created.id,
      '--to',
      'a@example.com,b@example.com',
      '--disable',
    ]);
    expect(upd.code, upd.stderr).toBe(0);
    const after = (await listJson<ChannelJson>('channels')).find((c) => c.id === created.id);
    expect(after).toMatchObject({
      name: 'cli mail',
      enabled: false,
      config: {
        smtpHost: '127.0.0.1',
        smtpPort: 2525,
        from: 'hdns@example.com',
        to: ['a@example.com', 'b@example.com'],
        hasSmtpPassword: true,
      },
    });

    const table = await s.cli(['alerts', 'channels', 'list']);
    expect(table.stdout).toMatch(
      new RegExp(`^${created.id}\\s+cli mail\\s+email\\s+no\\s+a@example.com,b@example.com$`, 'm'),
    );

    const renamed = await s.cli(['alerts', 'channels', 'update', hookId, '--name', 'cli hook 2']);
    expect(renamed.code, renamed.stderr).toBe(0);
    const hookAfter = (await listJson<ChannelJson>('channels')).find((c) => c.id === hookId);
    expect(hookAfter?.config).toMatchObject({ url: `${receiverUrl}/cli` });
    expect(hookAfter?.name).toBe('cli hook 2');

    const del = await s.cli(['alerts', 'channels', 'delete', created.id, '--json']);
    expect(del.code, del.stderr).toBe(0);
    expect(JSON.parse(del.stdout)).toEqual({ deleted: created.id });
    expect((await s.cli(['alerts', 'channels', 'delete', created.id])).code).toBe(3);
  });

  it('adds a ratio rule from a spec file, changes it and deletes it', async () => {
    const channel = await createChannel('rules hook', '/rules');
    const file = await spec('servfail.json', {
      name: 'SERVFAIL rate',
      channelIds: [channel],
      match: { types: ['dns_query_log'], nodes: ['ns1'] },
      threshold: {
        kind: 'ratio',
        when: { rcode: ['SERVFAIL'] },
        abovePercent: 5,
        windowSec: 60,
        forSec: 120,
      },
    });
    const add = await s.cli(['alerts', 'rules', 'add', '--file', file]);
    expect(add.code, add.stderr).toBe(0);
    const id = add.stdout.trim();
    expect(add.stderr).toContain(
      'created rule SERVFAIL rate: dns_query_log, node ns1: rcode SERVFAIL above 5 % over 60 s for 120 s',
    );
    const stored = (await listJson<RuleJson>('rules')).find((r) => r.id === id);
    // The schema's defaults are filled in before sending.
    expect(stored?.threshold).toEqual({
      kind: 'ratio',
      when: { rcode: ['SERVFAIL'] },
      abovePercent: 5,
      windowSec: 60,
      forSec: 120,
      minEvents: 10,
    });
    const table = await s.cli(['alerts', 'rules', 'list']);
    expect(table.stdout).toMatch(
      new RegExp(`^${id}\\s+SERVFAIL rate\\s+yes\\s+1\\s+-\\s+dns_query_log, node ns1: rcode`, 'm'),
    );

    // --type changes only match.types; a partial spec on stdin replaces the condition.
    const upd = await s.cli(
      [
        'alerts',
        'rules',
        'update',
        id,
        '--type',
        'dns_query_log,health_alert',
        '--file',
        '-',
        '--disable',
        '--json',
      ],
      JSON.stringify({ threshold: { kind: 'held', when: { rcode: ['SERVFAIL'] }, forSec: 30 } }),
    );
    expect(upd.code, upd.stderr).toBe(0);
    const updated = JSON.parse(upd.stdout) as RuleJson;
    expect(updated).toMatchObject({
      enabled: false,
      match: { types: ['dns_query_log', 'health_alert'], nodes: ['ns1'] },
      threshold: { kind: 'held', when: { rcode: ['SERVFAIL'] }, forSec: 30 },
      channelIds: [channel],
    });

    // A channel a rule still sends to cannot go (409: exit 4).
    const inUse = await s.cli(['alerts', 'channels', 'delete', channel]);
    expect(inUse.code).toBe(4);

    const simple = await s.cli([
      'alerts',
      'rules',
      'add',
      '--name',
      'zone changes',
      '--channel',
      channel,
      '--type',
      'zone_created',
      '--type',
      'zone_deleted',
    ]);
    expect(simple.code, simple.stderr).toBe(0);
    const simpleRule = (await listJson<RuleJson>('rules')).find((r) => r.name === 'zone changes');
    expect(simpleRule).toMatchObject({
      match: { types: ['zone_created', 'zone_deleted'] },
      threshold: null,
      enabled: true,
    });

    for (const ruleId of [id, simple.stdout.trim()]) {
      const del = await s.cli(['alerts', 'rules', 'delete', ruleId]);
      expect(del.code, del.stderr).toBe(0);
    }
    expect((await s.cli(['alerts', 'rules', 'delete', id])).code).toBe(3);
    expect((await s.cli(['alerts', 'rules', 'update', id, '--name', 'x'])).code).toBe(3);
    expect((await s.cli(['alerts', 'channels', 'delete', channel])).code).toBe(0);
  });

  it('takes a Slack or Teams URL (a token) only from the file or stdin, never from --url', async () => {
    const slackUrl = `${receiverUrl}/services/T0/B0/slack-token`;
    const refused = await s.cli([
      'alerts',
      'channels',
      'add',
      '--name',
      'cli slack',
      '--kind',
      'slack',
      '--url',
      slackUrl,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--url: a slack webhook URL holds its token');
    expect(refused.stderr).toContain('--file -');
    // Any URL with a query string or user:password@ may hold a credential too.
    for (const url of [`${receiverUrl}/hook?token=abc`, 'http://user:pw@127.0.0.1:9/hook']) {
      const r = await s.cli([
        'alerts',
        'channels',
        'add',
        '--name',
        'q',
        '--kind',
        'webhook',
        '--url',
        url,
      ]);
      expect(r.code, url).toBe(2);
      expect(r.stderr).toContain('this URL holds credentials');
    }
    const names = async () => (await listJson<ChannelJson>('channels')).map((c) => c.name);
    expect(await names()).not.toContain('cli slack');
    expect(await names()).not.toContain('q');

    const added = await s.cli(
      ['alerts', 'channels', 'add', '--name', 'cli slack', '--kind', 'slack', '--file', '-'],
      JSON.stringify({ config: { url: slackUrl } }),
    );
    expect(added.code, added.stderr).toBe(0);
    const id = added.stdout.trim();

    // update knows the stored kind: --url stays refused, the file still works.
    const teams = await s.cli(
      ['alerts', 'channels', 'add', '--name', 'cli teams', '--kind', 'teams', '--file', '-'],
      JSON.stringify({ config: { url: `${receiverUrl}/webhookb2/teams-token` } }),
    );
    expect(teams.code, teams.stderr).toBe(0);
    const teamsId = teams.stdout.trim();
    const teamsUpdate = await s.cli([
      'alerts',
      'channels',
      'update',
      teamsId,
      '--url',
      `${receiverUrl}/webhookb2/other`,
    ]);
    expect(teamsUpdate.code).toBe(2);
    expect(teamsUpdate.stderr).toContain(`a teams webhook URL holds its token`);
    expect(teamsUpdate.stderr).toContain(`hdns alerts channels update ${teamsId} --file -`);
    const newUrl = `${receiverUrl}/services/T0/B0/new-token`;
    const viaStdin = await s.cli(
      ['alerts', 'channels', 'update', id, '--file', '-'],
      JSON.stringify({ config: { url: newUrl } }),
    );
    expect(viaStdin.code, viaStdin.stderr).toBe(0);
    const channels = await listJson<ChannelJson>('channels');
    expect(channels.find((c) => c.id === id)?.config).toMatchObject({ url: newUrl });
    expect(channels.find((c) => c.id === teamsId)?.config).toMatchObject({
      url: `${receiverUrl}/webhookb2/teams-token`,
    });
    for (const channelId of [id, teamsId]) {
      expect((await s.cli(['alerts', 'channels', 'delete', channelId])).code).toBe(0);
    }
  });

  it('refuses bad specs with exit 2, naming the field, before sending anything', async () => {
    const channel = '00000000-0000-4000-8000-000000000001';
    const cases: [unknown, string][] = [
      [
        {
          name: 'x',
          channelIds: [channel],
          threshold: {
            kind: 'ratio',
            when: { rcode: ['SERVFAIL'] },
            abovePercent: 150,
            windowSec: 60,
          },
        },
        'threshold.abovePercent',
      ],
      [
        { name: 'x', channelIds: [channel], threshold: { kind: 'held', forSec: 10 } },
        'threshold.when',
      ],
      [{ name: 'x', channelIds: [channel], threshold: { kind: 'often' } }, 'threshold.kind'],
      [{ name: 'x' }, 'channelIds'],
      [{ name: 'x', channelIds: [channel], match: { types: ['no_such_event'] } }, 'match.types.0'],
      [{ name: 'x', channelIds: [channel], colour: 'red' }, 'colour'],
      ['{"name": ', 'is not JSON'],
      ['[1]', 'must hold one JSON object'],
    ];
    for (const [body, field] of cases) {
      const file = await spec('bad.json', body);
      const r = await s.cli(['alerts', 'rules', 'add', '--file', file]);
      expect(r.code, `${JSON.stringify(body)}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(field);
    }
    const port = await s.cli([
      'alerts',
      'channels',
      'add',
      '--name',
      'm',
      '--kind',
      'email',
      '--smtp-port',
      '99999',
    ]);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--smtp-port must be a whole number');
    const kind = await s.cli(['alerts', 'channels', 'add', '--name', 'm', '--kind', 'pager']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('kind');
    const nothing = await s.cli(['alerts', 'rules', 'update', channel]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('nothing to change');
    const missing = await s.cli([
      'alerts',
      'rules',
      'add',
      '--file',
      path.join(specDir, 'none.json'),
    ]);
    expect(missing.code).toBe(1);
    expect(await listJson<RuleJson>('rules')).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ name: 'x' })]),
    );
  });
});
