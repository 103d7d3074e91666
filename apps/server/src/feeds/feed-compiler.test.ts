import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileFeed, EmptyFeedError } from './feed-compiler.js';
import { fileSerial } from './feed-files.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'feed-compiler-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function* linesOf(text: string): AsyncIterable<string> {
  for (const l of text.split('\n')) yield l;
  await Promise.resolve();
}

const base = (target: string) => ({
  zone: 'rpz-feed-t.local',
  format: 'auto' as const,
  action: 'nxdomain' as const,
  redirectTo: null,
  serial: 7,
  target,
});

describe('compileFeed', () => {
  it('writes sorted, deduplicated triggers, with *.name for adblock rules, and diffs refreshes', async () => {
    const target = path.join(dir, 'db.t');
    const first = await compileFeed(
      linesOf('! list\n||b.example^\n||a.example^\n||b.example^\n/regex/\n'),
      base(target),
    );
    expect(first).toMatchObject({ format: 'adblock', total: 2, added: 2, removed: 0, skipped: 1 });
    const text = await readFile(target, 'utf8');
    expect(text).toContain('$ORIGIN rpz-feed-t.local.');
    expect(text).toContain(' 7 3600 600 86400 60');
    // What tells a current file from one left by an earlier holding (feed-files.ts).
    expect(await fileSerial(target)).toBe(7);
    expect(await fileSerial(path.join(dir, 'absent'))).toBeNull();
    const body = text.split('\n').filter((l) => /^[a-z*]/.test(l));
    expect(body).toEqual([
      'a.example\tCNAME\t.',
      '*.a.example\tCNAME\t.',
      'b.example\tCNAME\t.',
      '*.b.example\tCNAME\t.',
    ]);
    const second = await compileFeed(linesOf('||b.example^\n||c.example^\n'), {
      ...base(target),
      serial: 8,
    });
    expect(second).toMatchObject({ total: 2, added: 1, removed: 1 });
  });

  it('renders nodata and redirect actions', async () => {
    const target = path.join(dir, 'db.r');
    await compileFeed(linesOf('0.0.0.0 x.example\n'), {
      ...base(target),
      action: 'redirect',
      redirectTo: '192.0.2.9',
    });
    expect(await readFile(target, 'utf8')).toContain('x.example\tA\t192.0.2.9');
    await compileFeed(linesOf('x.example\n'), { ...base(target), action: 'nodata', serial: 9 });
    expect(await readFile(target, 'utf8')).toContain('x.example\tCNAME\t*.');
  });

  it('refuses a list without names and keeps the previous file', async () => {
    const target = path.join(dir, 'db.e');
    await compileFeed(linesOf('a.example\n'), base(target));
    const before = await readFile(target, 'utf8');
    await expect(
      compileFeed(linesOf('<html>\n<body>oops</body>\n'), { ...base(target), serial: 8 }),
    ).rejects.toBeInstanceOf(EmptyFeedError);
    expect(await readFile(target, 'utf8')).toBe(before);
  });
});
