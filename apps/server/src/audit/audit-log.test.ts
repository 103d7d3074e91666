import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, runMigrations, type Db } from '../storage/db.js';
import { AuditLog } from './audit-log.js';
import { MIGRATIONS } from '../storage/migrations/index.js';

let dir: string;
let db: Db;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hdns-audit-'));
  db = openDatabase(dir);
  expect(await runMigrations(db)).toEqual(Object.keys(MIGRATIONS));
  // Running again is a no-op.
  expect(await runMigrations(db)).toEqual([]);
});
afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('AuditLog', () => {
  it('records entries and lists them newest first with filters', async () => {
    let t = Date.parse('2030-01-01T00:00:00Z');
    const log = new AuditLog(db, () => new Date((t += 1000)));
    await log.record({
      action: 'login_success',
      actor: { userId: 'u1', username: 'ann' },
      ip: '192.0.2.1',
    });
    await log.record({
      action: 'login_failure',
      actor: { userId: null, username: 'bob' },
      success: false,
      details: { reason: 'bad_password' },
    });
    await log.record({
      action: 'user_create',
      actor: { userId: 'u1', username: 'ann' },
      target: 'user:u2',
      details: { username: 'carl' },
    });

    const all = await log.list();
    expect(all.map((e) => e.action)).toEqual(['user_create', 'login_failure', 'login_success']);
    expect(all[1]).toMatchObject({
      success: false,
      details: { reason: 'bad_password' },
      actorUsername: 'bob',
    });
    expect(await log.list({ action: 'login_success' })).toHaveLength(1);
    expect(await log.list({ actorUserId: 'u1' })).toHaveLength(2);
    expect(await log.list({ target: 'user:u2' })).toHaveLength(1);
    expect(await log.list({ since: new Date('2030-01-01T00:00:02Z') })).toHaveLength(2);
    expect(await log.list({ until: new Date('2030-01-01T00:00:02Z') })).toHaveLength(1);
    const page = await log.list({ limit: 1 });
    expect(await log.list({ beforeId: page[0]?.id ?? 0, limit: 10 })).toHaveLength(2);
  });
});
