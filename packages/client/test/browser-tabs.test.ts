/**
 * SharedRealtimeClient in headless Chromium against the REAL server: two tabs of one browser
 * context (same origin storage, so they share Web Locks and BroadcastChannel) hold exactly one
 * WebSocket; when the leader tab closes, the other takes over with a resume and ends up with
 * every event exactly once and in order, compared with the server's own event history.
 *
 * The page (test/fixtures/page.ts) is bundled with esbuild and served, with the server process
 * behind it, from one origin (support/page-front.ts), so it is same-origin with /api and /ws.
 * Needs Debian's /usr/bin/chromium (`scripts/setup.sh --test`, run by `npm test`, installs it);
 * without it the suite fails with a message saying so rather than being skipped.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  queryEvents,
  requireChromium,
  startProcessServer,
  TEST_ADMIN_PASSWORD,
  waitForValue,
  type ProcessServer,
} from '@hdns/testkit';
import { startPageFront, type PageFront } from './support/page-front.js';

// Fails the file at collection (no test is reported as skipped) when the browser is missing.
requireChromium();
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

describe('shared connection across browser tabs (headless Chromium)', () => {
  let server: ProcessServer;
  let front: PageFront;
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
    server = await startProcessServer();
    front = await startPageFront(server.url, {
      '/tabs-test/': { type: 'text/html', body: HTML },
      '/tabs-test/page.js': { type: 'text/javascript', body: js },
    });
    token = (await server.login()).accessToken;
    browser = await launchChromium();
    context = await browser.newContext();
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await front?.close();
    await server?.close();
  });

  const openTab = async (): Promise<Page> => {
    const page = await context.newPage();
    pages.push(page);
    page.on('pageerror', (err) => console.error('[page error]', err.message));
    await page.goto(`${front.url}/tabs-test/`);
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
    await waitForValue(
      () => view(leader),
      (v) => v.state === 'open' && v.role === 'leader',
      'leader open',
    );
    const follower = await openTab();
    await waitForValue(
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
      const v = await waitForValue(
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
    await waitForValue(
      () => view(follower),
      (v) => v.role === 'leader' && v.state === 'open',
      'follower took over',
    );
    for (let i = 0; i < 5; i++) during.push(await emit());

    const history = await queryEvents(server.url, token, {
      type: 'zone_created',
      order: 'asc',
      limit: 500,
    });
    const logged = history.map((e) => e.seq);
    expect(logged).toHaveLength(15);
    expect(logged.slice(-10)).toEqual(during);

    const v = await waitForValue(
      () => view(follower),
      (x) => x.events.length >= 15,
      'all 15 events',
    );
    await new Promise((r) => setTimeout(r, 200)); // nothing more (no duplicate) arrives
    expect((await view(follower)).events).toEqual(logged);
    expect(new Set(v.events).size).toBe(v.events.length);
    await waitForValue(pageConnections, (c) => c.length === 1, 'one connection after the handover');
    // The new leader resumed from the position the tabs shared (not a fresh start).
    const resume = v.welcomes.at(-1);
    expect(resume).toMatchObject({ requested: true, ok: true });
    console.info(`handover: resumed, ${resume?.replayed ?? 0} event(s) replayed`);
    expect(v.errors.filter((e) => e.startsWith('error'))).toEqual([]);
  });
});
