/**
 * One dashboard e2e fixture per test file: the real server with a managed named serving the
 * built dashboard, headless Chromium, an admin token, and helpers for signed-in pages (each in
 * its own browser context = its own cookie jar), real DNS queries and the live connections.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestServer, TestServerOverrides } from './helpers.js';
import {
  ensureDashboardBuilt,
  launchBrowser,
  signIn,
  startDashboardServer,
  waitConnected,
} from './e2e-helpers.js';

const run = promisify(execFile);
export const WIDE = { width: 1280, height: 860 };

export interface Credentials {
  username: string;
  password: string;
}

export interface ConnectionRow {
  username: string;
  userId: string;
}

export interface DashboardSuite {
  server: TestServer;
  browser: Browser;
  admin: string;
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** A fresh context signed in as `who` (default: admin), on `path`, connected. */
  signedIn(path?: string, who?: Credentials): Promise<Page>;
  /** One real query to the managed named; resolves with dig's output ('' when it timed out). */
  dig(name: string, type?: string): Promise<string>;
  connections(): Promise<ConnectionRow[]>;
  /** Every Content-Security-Policy violation Chromium reported on any page of the suite. */
  cspViolations: string[];
  /** Also fails when the dashboard broke the server's CSP on any page. */
  close(): Promise<void>;
}

/** `overrides`: e.g. a shorter monitor interval (`env`) for a test that waits on it. */
export async function startDashboardSuite(
  overrides: TestServerOverrides = {},
): Promise<DashboardSuite> {
  const browser = await launchBrowser(); // first: a missing Chromium fails before anything else
  await ensureDashboardBuilt();
  const server = await startDashboardServer(overrides);
  const admin = (await server.login()).accessToken;
  const contexts: BrowserContext[] = [];
  const cspViolations: string[] = [];

  const newPage = async (viewport = WIDE): Promise<Page> => {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    // Chromium reports a blocked script, style or connection as a console error naming the CSP.
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    return page;
  };
  const signedIn = async (
    path = '/',
    who: Credentials = { username: 'admin', password: server.adminPassword },
  ): Promise<Page> => {
    const page = await newPage();
    await signIn(page, server.url, who.username, who.password);
    if (path !== '/') await page.goto(`${server.url}${path}`);
    await waitConnected(page);
    return page;
  };
  const dig = async (name: string, type = 'A'): Promise<string> => {
    const port = String(server.config.bind.dnsPort);
    // No forwarders in tests: names outside our zones and the RPZ may time out (exit 9).
    return run('dig', ['@127.0.0.1', '-p', port, '+time=1', '+tries=1', name, type])
      .then((r) => r.stdout)
      .catch((err: { stdout?: string }) => err.stdout ?? '');
  };
  const connections = async (): Promise<ConnectionRow[]> =>
    (
      (await server.api('/api/admin/connections', { token: admin })).body as {
        connections: ConnectionRow[];
      }
    ).connections;

  return {
    server,
    browser,
    admin,
    newPage,
    signedIn,
    dig,
    connections,
    cspViolations,
    close: async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await server.close();
      if (cspViolations.length > 0) {
        throw new Error(`CSP violations in the dashboard:\n${cspViolations.join('\n')}`);
      }
    },
  };
}
