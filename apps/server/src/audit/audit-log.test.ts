import { beforeAll, describe, expect, it } from 'vitest';
import { runMigrations, type Db } from '../storage/db.js';
import { describeStorage } from '../../test/storage-backends.js';
import { AuditLog } from './audit-log.js';
import { AuditRetention } from './audit-retention.js';
import { MIGRATIONS } from '../storage/migrations/index.js';

describeStorage('audit log', (open) => {
  let db: Db;
  beforeAll(async () => {
    db = await open({ migrate: false });
    expect(await runMigrations(db)).toEqual(Object.keys(MIGRATIONS));
    // Running again is a no-op.
    expect(await runMigrations(db)).toEqual([]);
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

  describe('AuditLog aggregation of unauthenticated failures', () => {
    const failure = (username: string, ip: string, reason = 'bad_password') => ({
      action: 'login_failure',
      actor: { userId: null, username },
      ip,
      success: false,
      details: { reason },
    });

    it('folds repeats of one (address, username, reason) into one row per window, with a count', async () => {
      let t = Date.parse('2031-01-01T00:00:00Z');
      const log = new AuditLog(db, () => new Date(t), { windowMs: 60_000 });
      await Promise.all(
        Array.from({ length: 50 }, () => log.record(failure('eve', '198.51.100.1'))),
      );
      await log.record(failure('eve', '198.51.100.1', 'locked'));
      await log.record(failure('eve', '198.51.100.2'));
      t += 61_000; // a new window: a new row
      await log.record(failure('eve', '198.51.100.1'));

      const rows = await log.list({ since: new Date('2031-01-01'), limit: 1000 });
      expect(rows).toHaveLength(4);
      const first = rows.find(
        (r) =>
          r.ip === '198.51.100.1' &&
          r.ts === '2031-01-01T00:00:00.000Z' &&
          (r.details as { reason: string }).reason === 'bad_password',
      );
      expect(first?.details).toMatchObject({
        reason: 'bad_password',
        count: 50,
        firstAt: '2031-01-01T00:00:00.000Z',
      });
      expect(rows.filter((r) => (r.details as { count: number }).count === 1)).toHaveLength(3);
    });

    it('caps rows per address and per window however many usernames and addresses are tried', async () => {
      let t = Date.parse('2032-01-01T00:00:00Z');
      const log = new AuditLog(db, () => new Date((t += 1)), {
        windowMs: 60_000,
        maxKeysPerAddress: 5,
        maxRowsPerWindow: 30,
      });
      const since = new Date('2032-01-01T00:00:00Z');
      // One address, 100 usernames: 5 rows of their own, then one '*' row for the rest.
      for (let i = 0; i < 100; i++) await log.record(failure(`user${i}`, '203.0.113.9'));
      let rows = await log.list({ since, limit: 1000 });
      expect(rows).toHaveLength(6);
      const folded = rows.find((r) => r.actorUsername === '*');
      expect(folded).toMatchObject({ ip: '203.0.113.9', details: { folded: true, count: 95 } });
      // 1000 addresses: the window's rows stop at the cap, the rest in one '*'/'*' row.
      for (let i = 0; i < 1000; i++) await log.record(failure('root', `10.0.${i >> 8}.${i & 255}`));
      rows = await log.list({ since, limit: 1000 });
      expect(rows).toHaveLength(31);
      const any = rows.find((r) => r.ip === '*');
      const counts = rows.map((r) => (r.details as { count: number }).count);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(1100);
      expect(any).toMatchObject({ actorUsername: '*', details: { folded: true } });
    });

    it('keeps other records one row each', async () => {
      const log = new AuditLog(db, () => new Date('2033-01-01T00:00:00Z'));
      for (let i = 0; i < 3; i++) {
        await log.record({
          action: 'logout',
          actor: { userId: 'u1', username: 'ann' },
          ip: '1.2.3.4',
        });
      }
      expect(await log.list({ action: 'logout', since: new Date('2033-01-01') })).toHaveLength(3);
    });
  });

  describe('AuditRetention', () => {
    it('prunes rows past the age limit and beyond the row limit, oldest first', async () => {
      await db.deleteFrom('audit_log').execute();
      const now = Date.parse('2034-06-01T00:00:00Z');
      let t = now - 100 * 86_400_000;
      const log = new AuditLog(db, () => new Date(t));
      for (let i = 0; i < 10; i++) await log.record({ action: 'old', details: { i } });
      t = now - 3_600_000;
      for (let i = 0; i < 30; i++) await log.record({ action: 'recent', details: { i } });

      const retention = new AuditRetention(db, {
        maxAgeSeconds: 30 * 86_400,
        maxRows: 25,
        now: () => new Date(now),
      });
      expect(await retention.prune()).toEqual({ byAge: 10, byCount: 5, failuresByCount: 0 });
      const left = await log.list({ limit: 1000 });
      expect(left).toHaveLength(25);
      expect(left.every((e) => e.action === 'recent')).toBe(true);
      // The newest 25 stay.
      expect(left.map((e) => (e.details as { i: number }).i).sort((a, b) => a - b)[0]).toBe(5);
      expect(await retention.prune()).toEqual({ byAge: 0, byCount: 0, failuresByCount: 0 });
      await retention.close();
      await retention.close();
    });

    it('prunes failure rows only among themselves: a failure flood never pushes other rows out', async () => {
      await db.deleteFrom('audit_log').execute();
      const now = Date.parse('2035-06-01T00:00:00Z');
      let t = now - 86_400_000;
      const log = new AuditLog(db, () => new Date((t += 60_000)), { windowMs: 60_000 });
      // The real trail: 20 user changes and logins, and the first detection of a refresh reuse.
      for (let i = 0; i < 20; i++) {
        await log.record({ action: i % 2 ? 'user_update' : 'login_success', details: { i } });
      }
      const reuse = { action: 'refresh_reuse', actor: { userId: 'u1', username: 'ann' } };
      await log.record({ ...reuse, success: false, details: { revokedTokens: 3 } });
      // Then outsiders: 300 failure rows (a new window each), and replays of the revoked token.
      for (let i = 0; i < 300; i++) {
        await log.record({
          action: i % 3 ? 'login_failure' : 'ws_auth_failure',
          actor: { userId: null, username: 'root' },
          ip: '198.51.100.7',
          success: false,
          details: { reason: 'bad_password' },
        });
        if (i % 50 === 0)
          await log.record({ ...reuse, success: false, details: { revokedTokens: 0 } });
      }
      const retention = new AuditRetention(db, {
        maxAgeSeconds: 30 * 86_400,
        maxRows: 25,
        maxFailureRows: 100,
        now: () => new Date(now),
      });
      expect(await retention.prune()).toEqual({ byAge: 0, byCount: 0, failuresByCount: 206 });
      const left = await log.list({ limit: 1000 });
      // Every row of the real trail stays, and the failure pool keeps its newest 100.
      expect(
        left.filter((e) => e.action === 'user_update' || e.action === 'login_success'),
      ).toHaveLength(20);
      expect(
        left.filter((e) => (e.details as { revokedTokens?: number }).revokedTokens === 3),
      ).toHaveLength(1);
      // Aggregated rows are the ones with a count.
      const failures = left.filter((e) => (e.details as { count?: number }).count !== undefined);
      expect(failures).toHaveLength(100);
      expect(Math.min(...failures.map((e) => e.id))).toBeGreaterThan(
        Math.max(...left.filter((e) => e.action === 'user_update').map((e) => e.id)),
      );

      // Ordinary rows beyond their own limit go oldest first, and never a failure row for them.
      for (let i = 0; i < 10; i++) await log.record({ action: 'user_delete', details: { i } });
      expect(await retention.prune()).toEqual({ byAge: 0, byCount: 6, failuresByCount: 0 });
      const after = await log.list({ limit: 1000 });
      expect(after).toHaveLength(125);
      expect(after.filter((e) => e.action === 'user_delete')).toHaveLength(10);
      await retention.close();
    });

    it('start() prunes at once and on its interval until closed', async () => {
      const log = new AuditLog(db, () => new Date());
      for (let i = 0; i < 5; i++) await log.record({ action: 'tick' });
      const retention = new AuditRetention(db, {
        maxAgeSeconds: 86_400,
        maxRows: 1000,
        intervalMs: 20,
      });
      await retention.start();
      await log.record({ action: 'stale-after-start' });
      await db
        .updateTable('audit_log')
        .set({ ts: '2000-01-01T00:00:00.000Z' })
        .where('action', '=', 'stale-after-start')
        .execute();
      // The interval prunes it without anyone calling prune().
      for (
        let i = 0;
        i < 200 && (await log.list({ action: 'stale-after-start' })).length > 0;
        i++
      ) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await log.list({ action: 'stale-after-start' })).toHaveLength(0);
      await retention.close();
    });
  });
});
