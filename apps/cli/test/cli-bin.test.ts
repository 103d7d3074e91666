/**
 * The installed `hdns` bin, run the way a user runs it: `node_modules/.bin/hdns` (linked there by
 * `npm ci` from apps/cli/package.json "bin") and `npx hdns` from the repo root, and the same
 * link from another working directory. No server: help, version and usage errors (exit 2),
 * including --type/--category names checked against the protocol catalogue before any login.
 */
import { spawn } from 'node:child_process';
import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, EVENT_TYPES } from '@hdns/protocol';
import { MAIN_USAGE } from '../src/usage.js';
import { CLI_VERSION } from '../src/version.js';
import { makeConfigDir, REPO_ROOT } from './cli-process.js';

const BIN = path.join(REPO_ROOT, 'node_modules/.bin/hdns');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;
let removeDir: () => Promise<void>;
beforeAll(async () => {
  ({ dir, remove: removeDir } = await makeConfigDir());
});
afterAll(() => removeDir());

/** Runs `command args…` to completion; HDNS_CONFIG_DIR is an empty directory (not logged in). */
function run(command: string, args: string[], cwd = REPO_ROOT): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, HDNS_CONFIG_DIR: dir, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: stdout.trimEnd(), stderr }));
  });
}

describe('the hdns bin', () => {
  it('is linked into the root node_modules/.bin by the workspace install', async () => {
    expect((await lstat(BIN)).isSymbolicLink()).toBe(true);
    const target = path.resolve(path.dirname(BIN), await readlink(BIN));
    expect(target).toBe(path.join(REPO_ROOT, 'node_modules/@hdns/cli/bin/hdns.js'));
  });

  it('node_modules/.bin/hdns --help prints the usage and exits 0', async () => {
    const r = await run(BIN, ['--help']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(MAIN_USAGE);
    expect(r.stdout).toMatch(/^ {2}events \[options\] +Recent events/m);
  });

  it('npx hdns from the repo root runs the same bin', async () => {
    const r = await run('npx', ['--no-install', 'hdns', '--version']);
    expect(r).toMatchObject({ code: 0, stdout: CLI_VERSION });
    const help = await run('npx', ['--no-install', 'hdns', 'help']);
    expect(help).toMatchObject({ code: 0, stdout: MAIN_USAGE });
  });

  it('works from any working directory (the launcher resolves its files itself)', async () => {
    const r = await run(BIN, ['--version'], dir);
    expect(r).toMatchObject({ code: 0, stdout: CLI_VERSION, stderr: '' });
  });

  it('an unknown command exits 2 with a clear message and a pointer to --help', async () => {
    const r = await run(BIN, ['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('hdns: unknown command "frobnicate"\nRun `hdns --help` for usage.\n');
    const none = await run(BIN, []);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('hdns: missing command');
  });

  it('rejects an unknown --type or --category, listing the catalogue names', async () => {
    const type = await run(BIN, ['events', '--follow', '--type', 'zone_created,zone_renamed']);
    expect(type.code).toBe(2);
    expect(type.stderr).toContain(
      `hdns: unknown event type "zone_renamed"; known: ${EVENT_TYPES.join(', ')}\n`,
    );
    expect(type.stderr).not.toContain('not logged in'); // checked before any login
    const category = await run(BIN, ['events', '--follow', '--category', 'dns,nope']);
    expect(category.code).toBe(2);
    expect(category.stderr).toContain(
      `hdns: unknown category "nope"; known: ${CATEGORIES.join(', ')}\n`,
    );
    const history = await run(BIN, ['events', '--type', 'DNS']);
    expect(history.code).toBe(2);
    expect(history.stderr).toContain('unknown event type "DNS"');
  });
});
