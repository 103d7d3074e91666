import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startProcessServer, type ProcessServer } from '@hdns/testkit';
import type { BenchConfig } from '../config.js';
import { sleep } from '../shared.js';
import type { Figures } from './common.js';

/**
 * Issue 16: a blocklist feed from download to `named` answering with it. A local HTTP server
 * serves a hosts file of `domains` names; the real server (managed named) subscribes to it;
 * the clock runs from the POST until `dig` gets NXDOMAIN for a listed name. named's RSS
 * (VmRSS) before and after; then a refresh where 1 % of the names changed. Beside it, the old
 * path at a size that finishes: the same `compare` names as an RPZ bulk import (1,000-rule
 * chunks, each re-rendering rpz.local) against a feed of them.
 */

const run = promisify(execFile);

function hostsList(count: number, generation: number): Buffer {
  const changed = Math.floor(count / 100);
  const lines: string[] = ['# bench blocklist'];
  for (let i = 0; i < count; i++) {
    // The first 1 % of names differ between generations: a refresh adds and removes as many.
    const tag = i < changed ? `g${generation}` : 'k';
    lines.push(`0.0.0.0 ad${i}.${tag}.blk${i % 997}.example`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

interface ListHost {
  url(path: string): string;
  set(path: string, body: Buffer): void;
  close(): Promise<void>;
}

async function listHost(): Promise<ListHost> {
  const files = new Map<string, { body: Buffer; etag: string }>();
  let n = 0;
  const server = http.createServer((req, res) => {
    const file = files.get(req.url ?? '');
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, { etag: file.etag }).end();
      return;
    }
    res.writeHead(200, { etag: file.etag, 'content-length': String(file.body.length) });
    res.end(file.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    set: (path, body) => files.set(path, { body, etag: `"v${++n}"` }),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function digStatus(port: number, name: string): Promise<string | null> {
  const { stdout } = await run('dig', [
    '@127.0.0.1',
    '-p',
    String(port),
    name,
    'A',
    '+noall',
    '+comments',
    '+time=1',
    '+tries=1',
  ]).catch(() => ({ stdout: '' }));
  return /status: ([A-Z]+)/.exec(stdout)?.[1] ?? null;
}

async function untilBlocked(port: number, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await digStatus(port, name)) !== 'NXDOMAIN') {
    if (Date.now() > deadline) throw new Error(`feeds: ${name} not blocked in time`);
    await sleep(100);
  }
}

function namedRssMb(server: ProcessServer): number {
  const pid = readFileSync(join(server.dataDir, 'bind', 'named.pid'), 'utf8').trim();
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

async function startServer(): Promise<{ server: ProcessServer; dnsPort: number }> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [dns, rndc, stats] = [...ports] as [number, number, number];
  const server = await startProcessServer({
    prefix: 'hdns-bench-feeds-',
    env: {
      HDNS_BIND_MODE: 'managed',
      HDNS_BIND_DNS_PORT: String(dns),
      HDNS_BIND_RNDC_PORT: String(rndc),
      HDNS_BIND_STATS_PORT: String(stats),
      HDNS_LOG_LEVEL: 'warn',
      HDNS_RATE_LIMIT_MAX: '10000000',
      HDNS_FEEDS_ALLOW_PRIVATE: 'true',
    },
  });
  return { server, dnsPort: dns };
}

/** Feed creation → named answers NXDOMAIN for a listed name, then a 1 % refresh. */
export async function feedFromUrl(cfg: BenchConfig): Promise<Figures> {
  const count = cfg.feeds.domains;
  const lists = await listHost();
  const { server, dnsPort } = await startServer();
  try {
    const { accessToken: token } = await server.login();
    lists.set('/big.hosts', hostsList(count, 1));
    const rssBefore = namedRssMb(server);
    const started = performance.now();
    const created = await server.api('/api/feeds', {
      method: 'POST',
      token,
      body: { name: 'bench', url: lists.url('/big.hosts'), format: 'hosts' },
    });
    if (created.status !== 201) throw new Error(`feeds: create ${created.status}`);
    const id = (created.body as { id: string }).id;
    await untilBlocked(dnsPort, `ad${count - 1}.k.blk${(count - 1) % 997}.example`, 600_000);
    const firstSec = (performance.now() - started) / 1000;
    const rssAfter = namedRssMb(server);

    lists.set('/big.hosts', hostsList(count, 2));
    const refreshStarted = performance.now();
    const refreshed = await server.api(`/api/feeds/${id}/refresh`, { method: 'POST', token });
    const outcome = refreshed.body as { outcome: string; added: number; removed: number };
    if (outcome.outcome !== 'updated') throw new Error(`feeds: refresh ${JSON.stringify(outcome)}`);
    await untilBlocked(dnsPort, 'ad0.g2.blk0.example', 600_000);
    const refreshSec = (performance.now() - refreshStarted) / 1000;
    return {
      domains: count,
      firstLoadSec: firstSec,
      namedRssBeforeMb: rssBefore,
      namedRssAfterMb: rssAfter,
      refreshSec,
      refreshAdded: outcome.added,
      refreshRemoved: outcome.removed,
      namedRssAfterRefreshMb: namedRssMb(server),
    };
  } finally {
    await server.close();
    await lists.close();
  }
}

/** The same `compare` names through a feed and through the old RPZ bulk import. */
export async function feedVersusImport(cfg: BenchConfig): Promise<Figures> {
  const count = cfg.feeds.compare;
  const lists = await listHost();
  const { server, dnsPort } = await startServer();
  try {
    const { accessToken: token } = await server.login();
    lists.set('/cmp.hosts', hostsList(count, 1));
    const feedStarted = performance.now();
    const created = await server.api('/api/feeds', {
      method: 'POST',
      token,
      body: { name: 'cmp', url: lists.url('/cmp.hosts'), format: 'hosts' },
    });
    if (created.status !== 201) throw new Error(`feeds: create ${created.status}`);
    await untilBlocked(dnsPort, `ad${count - 1}.k.blk${(count - 1) % 997}.example`, 600_000);
    const feedSec = (performance.now() - feedStarted) / 1000;

    const rules = Array.from({ length: count }, (_, i) => ({
      domain: `old${i}.imp${i % 997}.example`,
      action: 'nxdomain',
    }));
    const importStarted = performance.now();
    const job = await server.api('/api/rpz/rules/import', {
      method: 'POST',
      token,
      body: { format: 'json', data: rules },
    });
    if (job.status !== 202) throw new Error(`feeds: import ${job.status}`);
    const jobId = (job.body as { id: string }).id;
    for (;;) {
      const state = await server.api(`/api/jobs/${jobId}`, { token });
      const status = (state.body as { status: string }).status;
      if (status !== 'running') {
        if (status !== 'succeeded') throw new Error(`feeds: import ended ${status}`);
        break;
      }
      await sleep(200);
    }
    await untilBlocked(dnsPort, `old${count - 1}.imp${(count - 1) % 997}.example`, 60_000);
    const importSec = (performance.now() - importStarted) / 1000;
    return { names: count, feedSec, bulkImportSec: importSec, importOverFeed: importSec / feedSec };
  } finally {
    await server.close();
    await lists.close();
  }
}
