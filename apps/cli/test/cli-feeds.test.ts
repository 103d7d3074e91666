/**
 * `hdns feeds …` and `hdns feeds allow …` against the real server driving a real named, the CLI
 * running as a child process, the lists served by a real local HTTP server (loopback feeds are
 * allowed by HDNS_FEEDS_ALLOW_PRIVATE): add, refresh (and a failed refresh: exit 1), disable,
 * enable, delete, the allowlist, and bad usage (exit 2) or unknown feeds (exit 3).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliServer, type CliServer } from './cli-server.js';

interface FeedJson {
  id: string;
  name: string;
  enabled: boolean;
  domainCount: number;
}

const HOSTS = '# test list\n0.0.0.0 ads1.feed.example\n0.0.0.0 ads2.feed.example\n';

let s: CliServer;
let lists: http.Server;
let listUrl: string;

beforeAll(async () => {
  lists = http.createServer((req, res) => {
    if (req.url === '/hosts.txt') res.writeHead(200, { 'content-type': 'text/plain' }).end(HOSTS);
    else res.writeHead(404).end('not here');
  });
  await new Promise<void>((resolve) => lists.listen(0, '127.0.0.1', resolve));
  listUrl = `http://127.0.0.1:${(lists.address() as AddressInfo).port}`;
  s = await startCliServer({ bind: true, env: { HDNS_FEEDS_ALLOW_PRIVATE: 'true' } });
}, 60_000);

afterAll(async () => {
  await s?.close();
  await new Promise((resolve) => lists?.close(resolve));
});

async function feeds(): Promise<FeedJson[]> {
  const r = await s.cli(['feeds', 'list', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { feeds: FeedJson[] }).feeds;
}

describe('hdns feeds', () => {
  it('adds a feed, refreshes, disables, enables and deletes it', async () => {
    const added = await s.cli([
      'feeds',
      'add',
      'cli list',
      `${listUrl}/hosts.txt`,
      '--format',
      'hosts',
      '--category',
      'ads',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const id = added.stdout.trim();
    expect(added.stderr).toContain(`added feed cli list (enabled): ${listUrl}/hosts.txt`);

    const refreshed = await s.cli(['feeds', 'refresh', id]);
    expect(refreshed.code, refreshed.stderr).toBe(0);
    expect(refreshed.stderr).toMatch(/cli list: (updated|not modified), 2 domains/);
    const asJson = await s.cli(['feeds', 'refresh', id, '--json']);
    expect(asJson.code, asJson.stderr).toBe(0);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ total: 2, feed: { id, domainCount: 2 } });

    const table = await s.cli(['feeds', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^ID\s+NAME\s+ENABLED\s+ACTION\s+CATEGORY\s+DOMAINS/,
    );
    expect(table.stdout).toMatch(
      new RegExp(`^${id}\\s+cli list\\s+yes\\s+nxdomain\\s+ads\\s+2\\s`, 'm'),
    );

    const disabled = await s.cli(['feeds', 'disable', id, '--json']);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ id, enabled: false });
    expect((await feeds()).find((f) => f.id === id)?.enabled).toBe(false);
    const enabled = await s.cli(['feeds', 'enable', id]);
    expect(enabled.code, enabled.stderr).toBe(0);
    expect(enabled.stderr).toContain('enabled feed cli list');
    expect((await feeds()).find((f) => f.id === id)?.enabled).toBe(true);

    // A list that is not there: the refresh fails, exit 1.
    const broken = await s.cli(['feeds', 'add', 'gone', `${listUrl}/missing.txt`, '--disabled']);
    expect(broken.code, broken.stderr).toBe(0);
    const failed = await s.cli(['feeds', 'refresh', broken.stdout.trim()]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('refresh of gone failed');

    for (const f of [id, broken.stdout.trim()]) {
      const d = await s.cli(['feeds', 'delete', f, '--json']);
      expect(d.code, d.stderr).toBe(0);
      expect(JSON.parse(d.stdout)).toEqual({ deleted: f });
    }
    expect(await feeds()).toEqual([]);
    expect((await s.cli(['feeds', 'delete', id])).code).toBe(3);
    expect((await s.cli(['feeds', 'enable', id])).code).toBe(3);
  });

  it('edits the allowlist', async () => {
    const add = await s.cli(['feeds', 'allow', 'add', 'good.example', '*.cdn.example']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toContain('the feed allowlist has 2 domains');
    // Already there (names compare like DNS names): nothing is added. The server keeps its order.
    const again = await s.cli(['feeds', 'allow', 'add', 'GOOD.example.', '--json']);
    const domains = (JSON.parse(again.stdout) as { domains: string[] }).domains;
    expect([...domains].sort()).toEqual(['*.cdn.example', 'good.example']);
    const list = await s.cli(['feeds', 'allow', 'list']);
    expect(list.stdout.split('\n')).toEqual(domains);
    const del = await s.cli(['feeds', 'allow', 'delete', 'good.example', '--json']);
    expect(JSON.parse(del.stdout)).toEqual({ domains: ['*.cdn.example'] });
    const missing = await s.cli(['feeds', 'allow', 'delete', 'good.example']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('not on the feed allowlist: good.example');
  });

  it('refuses bad usage with exit code 2', async () => {
    const cases: [string[], string][] = [
      [['feeds', 'add', 'x', 'ftp://lists.example/x'], 'invalid feed: url'],
      [['feeds', 'add', 'x', `${listUrl}/a`, '--refresh-minutes', '1'], '--refresh-minutes must'],
      [['feeds', 'add', 'x', `${listUrl}/a`, '--format', 'xml'], '--format must be one of'],
      [['feeds', 'allow', 'add'], "Missing required argument 'domains'"],
      [['feeds', 'allow', 'frob'], 'expected `hdns feeds allow list`'],
    ];
    for (const [argv, message] of cases) {
      const r = await s.cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
