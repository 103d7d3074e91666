import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StagedFile } from './staged-file.js';

let root: string;
let dirs: { stagingDir: string; backupDir: string };
let zones: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'hdns-staged-'));
  zones = path.join(root, 'zones');
  dirs = { stagingDir: path.join(root, 'staging'), backupDir: path.join(root, 'backup') };
  await mkdir(zones);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('StagedFile', () => {
  it('stages, commits and rolls back without touching a zone whose name ends in .tmp or .prev', async () => {
    const neighbours = ['db.a.test.tmp', 'db.a.test.prev'];
    for (const n of neighbours) await writeFile(path.join(zones, n), `zone ${n}`);
    const file = new StagedFile(path.join(zones, 'db.a.test'), dirs);
    await file.stage('v1');
    await file.commit();
    const second = new StagedFile(path.join(zones, 'db.a.test'), dirs);
    await second.stage('v2');
    await second.commit();
    expect(await readFile(path.join(zones, 'db.a.test'), 'utf8')).toBe('v2');
    await second.rollback();
    expect(await readFile(path.join(zones, 'db.a.test'), 'utf8')).toBe('v1');
    for (const n of neighbours)
      expect(await readFile(path.join(zones, n), 'utf8')).toBe(`zone ${n}`);
    expect((await readdir(zones)).sort()).toEqual(['db.a.test', ...neighbours].sort());
    expect(await readdir(dirs.stagingDir)).toEqual([]);
  });

  it('gives the restored file a fresh mtime, so a zone reload picks it up', async () => {
    const target = path.join(zones, 'db.b.test');
    await writeFile(target, 'old');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(target, old, old);
    const file = new StagedFile(target, dirs);
    await file.stage('new');
    await file.commit();
    const before = Date.now();
    await file.rollback();
    expect(await readFile(target, 'utf8')).toBe('old');
    expect((await stat(target)).mtimeMs).toBeGreaterThanOrEqual(before - 1000);
  });

  it('removes the file on rollback when there was none before', async () => {
    const file = new StagedFile(path.join(zones, 'db.c.test'), dirs);
    await file.stage('x');
    await file.commit();
    await file.rollback();
    expect(await readdir(zones)).toEqual([]);
  });
});
