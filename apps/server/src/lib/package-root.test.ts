import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from './package-root.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hdns-pkgroot-'));
  await writeFile(path.join(tmp, 'package.json'), JSON.stringify({ name: 'outer' }));
  await mkdir(path.join(tmp, 'app/src/static'), { recursive: true });
  await mkdir(path.join(tmp, 'app/dist'), { recursive: true });
  await writeFile(path.join(tmp, 'app/package.json'), JSON.stringify({ name: '@x/app' }));
  // A package.json that is not JSON on the way up is skipped, not fatal.
  await writeFile(path.join(tmp, 'app/src/package.json'), '{ not json');
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('packageRoot', () => {
  it('finds the same root from the source file and from the bundle', () => {
    const fromSource = pathToFileURL(path.join(tmp, 'app/src/static/plugin.ts')).href;
    const fromBundle = pathToFileURL(path.join(tmp, 'app/dist/main.js')).href;
    expect(packageRoot(fromSource, '@x/app')).toBe(path.join(tmp, 'app'));
    expect(packageRoot(fromBundle, '@x/app')).toBe(path.join(tmp, 'app'));
  });

  it('skips packages with another name', () => {
    const url = pathToFileURL(path.join(tmp, 'app/dist/main.js')).href;
    expect(packageRoot(url, 'outer')).toBe(tmp);
  });

  it('throws when no enclosing package has the name', () => {
    const url = pathToFileURL(path.join(tmp, 'app/dist/main.js')).href;
    expect(() => packageRoot(url, 'nowhere')).toThrow(/no package.json named nowhere/);
  });
});
