/** The dispatcher in-process: help, usage errors (exit 2) and "not logged in" (exit 1). */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';
import type { Output } from './output.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-cli-unit-'));
  vi.stubEnv('HDNS_CONFIG_DIR', dir);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out: Output = { line: (t) => stdout.push(t), notice: (t) => stderr.push(`hdns: ${t}`) };
  const code = await main(argv, out);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe('hdns dispatch', () => {
  it('prints help and the version', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: hdns \[options\] \[command\]$/m);
    expect(help.stdout).toMatch(/^ {2}tail +tail queries: the live DNS query log/m);
    expect((await run('events', '--help')).stdout).toContain('--follow');
    expect((await run('tail', 'queries', '--help')).stdout).toContain('--client <ip>');
    expect((await run('zones')).stdout).toContain('export [options] <zone>');
    expect((await run('--version')).stdout).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects bad usage with exit code 2 and a pointer to --help', async () => {
    const cases: [string[], string][] = [
      [[], 'missing command'],
      [['frobnicate'], 'unknown command "frobnicate"'],
      [['events', '--bogus'], "Unknown option '--bogus'"],
      [['events', '--type', 'zone_renamed'], 'unknown event type "zone_renamed"'],
      [['events', '--category', 'dns,nope'], 'unknown category "nope"'],
      [['events', '--limit', '0'], '--limit must be a whole number from 1 to 500'],
      [['tail', 'zones'], 'expected `hdns tail queries`'],
      [['login', '--user', 'admin'], '--url is required'],
      [['login', '--url', 'ftp://x', '--user', 'a'], 'invalid URL "ftp://x"'],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it('says how to log in when there is no stored session', async () => {
    for (const argv of [['events'], ['events', '--follow'], ['tail', 'queries']]) {
      const r = await run(...argv);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('not logged in');
      expect(r.stderr).toContain('hdns login --url URL --user NAME');
    }
    expect(await run('logout')).toMatchObject({ code: 0, stderr: 'hdns: not logged in' });
  });
});
