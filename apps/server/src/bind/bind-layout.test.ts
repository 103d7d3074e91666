import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../http/app-error.js';
import { zoneNameOfLength } from '../../test/bind-helpers.js';
import { bindLayout, MAX_ZONE_NAME_LENGTH, zoneFileName } from './bind-layout.js';

describe('zone file names', () => {
  it('fit one path component up to the longest allowed zone name', () => {
    expect(MAX_ZONE_NAME_LENGTH).toBe(252);
    const name = zoneNameOfLength(252);
    expect(name).toHaveLength(252);
    expect(Buffer.byteLength(zoneFileName(name))).toBe(255);
    expect(zoneFileName('Example.TEST.')).toBe('db.example.test');
  });

  it('refuses a longer (still DNS-valid) name with a clear validation error', () => {
    const name = zoneNameOfLength(253);
    expect(name).toHaveLength(253);
    let err: unknown;
    try {
      zoneFileName(name);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION_ERROR');
    expect((err as AppError).message).toMatch(/253 characters; at most 252 fit a zone file name/);
  });

  it('keeps staged and backup files out of the zones directory', () => {
    const layout = bindLayout('/data/bind');
    const dirs = [layout.zonesDir, layout.stagingDir, layout.backupDir];
    expect(new Set(dirs).size).toBe(3);
    for (const dir of dirs) expect(path.dirname(dir)).toBe('/data/bind');
  });
});
