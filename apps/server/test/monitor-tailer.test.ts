import { appendFile, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor, sleep } from '@hdns/testkit';
import { LogTailer, type LogTailerOptions } from '../src/monitors/log-tailer.js';
import type { Stop } from '../src/monitors/monitor-types.js';

/** Real files in a temp dir, rotated the way BIND's `versions` does (rename, then a new file). */

let dir: string;
let stops: Stop[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-tail-'));
});

afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
  await rm(dir, { recursive: true, force: true });
});

function follow(file: string, extra: Partial<LogTailerOptions> = {}) {
  const lines: string[] = [];
  const notices: string[] = [];
  const tailer = new LogTailer({
    path: file,
    onLine: (l) => lines.push(l),
    onNotice: (n) => notices.push(n),
    pollIntervalMs: 20,
    retryMs: 30,
    ...extra,
  });
  stops.push(tailer.start());
  return { lines, notices };
}

const numbered = (from: number, to: number): string =>
  Array.from(
    { length: to - from },
    (_, k) => `line ${from + k} ${'x'.repeat((from + k) % 50)}\n`,
  ).join('');

/** BIND's rotation with `versions 3`: .1 → .2, .0 → .1, the file → .0; the next write creates it. */
async function rotate(file: string): Promise<void> {
  for (const [a, b] of [
    [`${file}.1`, `${file}.2`],
    [`${file}.0`, `${file}.1`],
    [file, `${file}.0`],
  ] as const) {
    await rename(a, b).catch(() => undefined);
  }
}

describe('LogTailer', () => {
  it('loses and duplicates nothing across rotations and a truncation (6000 lines)', async () => {
    const file = path.join(dir, 'query.log');
    await writeFile(file, 'old line before start\n');
    const { lines, notices } = follow(file);
    await waitFor(() => notices.includes('opened'));
    const total = 6000;
    let written = 0;
    let truncated = false;
    while (written < total - 5) {
      const next = Math.min(written + 125, total - 5);
      await appendFile(file, numbered(written, next));
      const crossed = Math.floor(next / 1000) !== Math.floor(written / 1000);
      written = next;
      if (crossed && written < total) {
        // Rotations are rare in real life (every 20 MB): at most one per poll, as documented.
        await rotate(file);
        await appendFile(file, numbered(written, written + 5));
        written += 5;
        await sleep(120);
      }
      if (!truncated && written >= 3500) {
        truncated = true;
        // copytruncate loses whatever was not read yet: let the tailer catch up first.
        await waitFor(() => lines.length === written);
        await truncate(file, 0);
        await appendFile(file, numbered(written, written + 5));
        written += 5;
        await waitFor(() => notices.includes('truncated'));
      }
      await sleep(3);
    }
    await appendFile(file, numbered(written, total));
    await waitFor(() => lines.length >= total);
    await sleep(100);
    expect(lines).toHaveLength(total);
    // Every line whole, in order, once.
    expect(lines).toEqual(numbered(0, total).trimEnd().split('\n'));
    expect(notices.filter((n) => n === 'renamed').length).toBeGreaterThanOrEqual(4);
  });

  it('waits for a file that does not exist yet, then reads it from its start', async () => {
    const file = path.join(dir, 'later.log');
    const { lines, notices } = follow(file);
    await sleep(100);
    expect(notices).toContain('missing');
    await writeFile(file, 'first\nsecond\n');
    await waitFor(() => lines.length === 2);
    await appendFile(file, 'third\npartial');
    await waitFor(() => lines.length === 3);
    await appendFile(file, ' done\n');
    await waitFor(() => lines.length === 4);
    expect(lines).toEqual(['first', 'second', 'third', 'partial done']);
  });

  it('starts at the end by default, or at the start / a given offset', async () => {
    const file = path.join(dir, 'q.log');
    await writeFile(file, 'a\nb\nc\n');
    const fromEnd = follow(file);
    const fromStart = follow(file, { from: 'start' });
    const fromOffset = follow(file, { from: 2 });
    await waitFor(() => fromEnd.notices.includes('opened') && fromStart.lines.length === 3);
    await appendFile(file, 'd\n');
    await waitFor(() => fromEnd.lines.length === 1 && fromStart.lines.length === 4);
    await waitFor(() => fromOffset.lines.length === 3);
    expect(fromEnd.lines).toEqual(['d']);
    expect(fromStart.lines).toEqual(['a', 'b', 'c', 'd']);
    expect(fromOffset.lines).toEqual(['b', 'c', 'd']);
  });

  it('stop is idempotent and ends polling', async () => {
    const file = path.join(dir, 's.log');
    await writeFile(file, '');
    const lines: string[] = [];
    const tailer = new LogTailer({ path: file, onLine: (l) => lines.push(l), pollIntervalMs: 20 });
    const stop = tailer.start();
    await sleep(60);
    await stop();
    await stop();
    await appendFile(file, 'after stop\n');
    await sleep(100);
    expect(lines).toEqual([]);
  });
});
