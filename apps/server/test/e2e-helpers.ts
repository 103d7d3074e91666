/**
 * Shared pieces of the dashboard end-to-end suite: build the dashboard when its sources are
 * newer than the build, start the real server with the dashboard mounted (and a real managed
 * `named`), drive headless Chromium, sign in, take screenshots.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { freePort, launchChromium } from '@hdns/testkit';
import { startTestServer, type TestServer, type TestServerOverrides } from './helpers.js';
import { mountDashboard } from './e2e-mount.js';

const run = promisify(execFile);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const WEB = path.join(ROOT, 'apps/web');
const DIST_INDEX = path.join(WEB, 'dist/index.html');
export const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');

function newestMtime(target: string): number {
  const st = statSync(target);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target))
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function isFresh(): boolean {
  const sources = Math.max(
    newestMtime(path.join(WEB, 'src')),
    newestMtime(path.join(WEB, 'index.html')),
    newestMtime(path.join(WEB, 'vite.config.ts')),
  );
  return existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= sources;
}

/**
 * Runs `vite build` in apps/web unless dist is newer than every source file. The e2e files run
 * in parallel processes: a directory lock (mkdir is atomic) makes one build and the others wait.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const lock = path.join(os.tmpdir(), 'hdns-web-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (isFresh()) return;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else builds; a lock older than two minutes is left over from a crash.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) {
        rmSync(lock, { recursive: true, force: true });
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for the dashboard build');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!isFresh()) {
      await run(path.join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], {
        cwd: WEB,
        timeout: 120_000,
      });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The real app with a managed named on free loopback ports, serving the dashboard. */
export async function startDashboardServer(
  overrides: TestServerOverrides = {},
): Promise<TestServer> {
  return startTestServer({
    ...overrides,
    env: {
      HDNS_BIND_MODE: 'managed',
      HDNS_MONITORS: 'true',
      HDNS_BIND_DNS_PORT: String(await freePort()),
      HDNS_BIND_RNDC_PORT: String(await freePort()),
      HDNS_BIND_STATS_PORT: String(await freePort()),
      ...overrides.env,
    },
    beforeListen: async (app) => {
      await mountDashboard(app);
      await overrides.beforeListen?.(app);
    },
  });
}

/**
 * Headless Debian Chromium (@hdns/testkit). A missing browser fails the suite (never skips it):
 * the e2e tests are part of what "done" means.
 */
export function launchBrowser(): Promise<Browser> {
  return launchChromium();
}

/** Signs in through the login form and waits for the shell to show a live connection. */
export async function signIn(page: Page, url: string, username: string, password: string) {
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitConnected(page);
}

export async function waitConnected(page: Page, timeout = 15_000): Promise<void> {
  await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor({ timeout });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Creates a user as admin; returns its id. */
export async function createUser(
  server: TestServer,
  adminToken: string,
  user: { username: string; password: string; role: string; zones?: string[] | null },
): Promise<string> {
  const res = await server.api('/api/users', { token: adminToken, body: user });
  if (res.status !== 201) throw new Error(`create user: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { id: string }).id;
}

/** Publishes a catalogue event through the admin test endpoint. */
export async function publish(
  url: string,
  token: string,
  type: string,
  data?: unknown,
): Promise<{ id: string; seq: number }> {
  const res = await fetch(`${url}/api/admin/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type, ...(data !== undefined ? { data } : {}) }),
  });
  const body = (await res.json()) as { id: string; seq: number };
  if (res.status !== 201) throw new Error(`publish ${type}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}
