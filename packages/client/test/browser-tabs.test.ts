/**
 * SharedRealtimeClient in headless Chromium against the REAL server: two tabs of one browser
 * context (same origin storage, so they share Web Locks and BroadcastChannel) hold exactly one
 * WebSocket; when the leader tab closes, the other takes over with a resume and ends up with
 * every event exactly once and in order, compared with the server's own event history.
 *
 * The page (test/fixtures/page.ts) is bundled with esbuild and served by the server itself
 * (startTestServer's beforeListen), so it is same-origin with /api and /ws: no CORS.
 * Needs Debian's /usr/bin/chromium (`scripts/setup.sh --test`, run by `npm test`, installs it);
 * without it the suite fails with a message saying so rather than being skipped.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestServer,
  TEST_ADMIN_PASSWORD,
  type TestServer,
} from '../../../apps/server/test/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
// Fails the file at collection (no test is reported as skipped) when the browser is missing.
if (!existsSync(CHROMIUM)) {
  throw new Error(
    `${CHROMIUM} is missing: these tests need Debian's chromium. Install it with ` +
      '`bash scripts/setup.sh --test` (what `npm test` runs first) or `apt-get install chromium`.',
  );
}
const here = path.dirname(fileURLToPath(import.meta.url));
const CLIENT_NAME = 'browser-tabs-test';

const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>tabs</title></head>
<body><script type="module" src="/tabs-test/page.js"></script></body></html>`;

interface TabView {
  events: number[];
  types: string[];
  role: string;
  state: string;
  instanceId: string;
  errors: string[];
  welcomes: { requested: boolean; ok: boolean; replayed: number }[];
}

const view = (page: Page): Promise<TabView> =>
  page.evaluate(() => ({
    events: window.__events,
    types: window.__types,
    role: window.__role,
    state: window.__state,
    instanceId: window.__instanceId,
    errors: window.__errors,
    welcomes: window.__welcomes,
  }));

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('shared connection across browser tabs (headless Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let token: string;
  const pages: Page[] = [];

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [path.join(here, 'fixtures/page.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'chrome120',
      write: false,
      logLevel: 'silent',
      define: { __ADMIN_PASSWORD__: JSON.stringify(TEST_ADMIN_PASSWORD) },
    });
    const js = bundle.outputFiles[0]?.text ?? '';
    server = await startTestServer({
      beforeListen: (app) => {
        app.get('/tabs-test/', (_req, reply) => reply.type('text/html').send(HTML));
        app.get('/tabs-test/page.js', (_req, reply) => reply.type('text/javascript').send(js));
      },
    });
    token = (await server.login()).accessToken;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context = await browser.newContext();
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.close();
  });

  const openTab = async (): Promise<Page> => {
    const page = await context.newPage();
    pages.push(page);
    page.on('pageerror', (err) => console.error('[page error]', err.message));
    await page.goto(`${server.url}/tabs-test/`);
    return page;
  };

  /** The server's live connections made by the test page. */
  const pageConnections = async () => {
    const res = await server.api('/api/admin/connections', { token });
    expect(res.status).toBe(200);
    const body = res.body as { connections: { client: string | null; username: string }[] };
    return body.connections.filter((c) => c.client === CLIENT_NAME);
  };

  const emit = async (): Promise<number> => {
    const res = await server.api('/api/admin/events', { token, body: { type: 'zone_created' } });
    expect(res.status).toBe(201);
    return (res.body as { seq: number }).seq;
  };

  it('two tabs of one user hold exactly one server connection and both get the events', async () => {
    const leader = await openTab();
    await until(
      () => view(leader),
      (v) => v.state === 'open' && v.role === 'leader',
      'leader open',
    );
    const follower = await openTab();
    await until(
      () => view(follower),
      (v) => v.state === 'open',
      'follower open',
    );
    expect((await view(follower)).role).toBe('follower');

    const connections = await pageConnections();
    expect(connections).toHaveLength(1);
    expect(connections[0]?.username).toBe('admin');

    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) seqs.push(await emit());
    for (const page of [leader, follower]) {
      const v = await until(
        () => view(page),
        (x) => x.events.length >= 5,
        'five events',
      );
      expect(v.events).toEqual(seqs);
      expect(v.types).toEqual(Array(5).fill('zone_created'));
    }
    const [a, b] = [await view(leader), await view(follower)];
    expect(a.instanceId).toBe(b.instanceId); // stable per browser (localStorage)
    expect(a.instanceId).toMatch(/^browser-/);
    expect(await pageConnections()).toHaveLength(1); // still one after the traffic
  });

  it('closing the leader tab hands over: every event once and in order, one connection', async () => {
    const [leader, follower] = pages;
    if (!leader || !follower) throw new Error('the first test opens two tabs');
    await leader.close();
    const during: number[] = [];
    for (let i = 0; i < 5; i++) during.push(await emit()); // while the follower takes over
    await until(
      () => view(follower),
      (v) => v.role === 'leader' && v.state === 'open',
      'follower took over',
    );
    for (let i = 0; i < 5; i++) during.push(await emit());

    const res = await server.api('/api/events?type=zone_created&order=asc&limit=500', { token });
    expect(res.status).toBe(200);
    const logged = (res.body as { events: { seq: number }[] }).events.map((e) => e.seq);
    expect(logged).toHaveLength(15);
    expect(logged.slice(-10)).toEqual(during);

    const v = await until(
      () => view(follower),
      (x) => x.events.length >= 15,
      'all 15 events',
    );
    await new Promise((r) => setTimeout(r, 200)); // nothing more (no duplicate) arrives
    expect((await view(follower)).events).toEqual(logged);
    expect(new Set(v.events).size).toBe(v.events.length);
    await until(pageConnections, (c) => c.length === 1, 'one connection after the handover');
    // The new leader resumed from the position the tabs shared (not a fresh start).
    const resume = v.welcomes.at(-1);
    expect(resume).toMatchObject({ requested: true, ok: true });
    console.info(`handover: resumed, ${resume?.replayed ?? 0} event(s) replayed`);
    expect(v.errors.filter((e) => e.startsWith('error'))).toEqual([]);
  });
});
