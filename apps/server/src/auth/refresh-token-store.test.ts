import { beforeAll, expect, it } from 'vitest';
import { countingDb } from '../../test/query-counter.js';
import { describeStorage } from '../../test/storage-backends.js';
import type { Db } from '../storage/db.js';
import { UserRepository } from '../users/user-repository.js';
import { RefreshTokenStore } from './refresh-token-store.js';

const CLIENT = { ip: '192.0.2.1', userAgent: 'test' };

describeStorage('RefreshTokenStore sessions', (open) => {
  let db: Db;
  let alice: string;
  let bob: string;
  let now = Date.parse('2026-06-01T12:00:00.000Z');
  const store = (on: Db = db) => new RefreshTokenStore(on, 3600, () => new Date(now));
  beforeAll(async () => {
    db = await open();
    const users = new UserRepository(db);
    const base = { passwordHash: 'x', role: 'viewer' as const, zones: null };
    alice = (await users.insert({ ...base, username: 'alice' })).id;
    bob = (await users.insert({ ...base, username: 'bob' })).id;
  });

  it("reads a token's user and whether its session is the user's and live in one statement", async () => {
    const mine = await store().issue(alice, CLIENT);
    const theirs = await store().issue(bob, CLIENT);
    const counted = countingDb(db);
    const live = await store(counted.db).findTokenUser(alice, mine.familyId);
    expect(counted.count()).toBe(1);
    expect(live).toMatchObject({ user: { id: alice, username: 'alice' }, sessionLive: true });
    // Another user's session does not keep this user's token alive.
    expect((await store().findTokenUser(alice, theirs.familyId))?.sessionLive).toBe(false);
    expect((await store().findTokenUser(alice, undefined))?.sessionLive).toBe(true);
    expect(await store().findTokenUser('no-such-user', mine.familyId)).toBeUndefined();
    await store().revokeFamily(mine.familyId);
    expect((await store().findTokenUser(alice, mine.familyId))?.sessionLive).toBe(false);
    const expiring = await store().issue(alice, CLIENT);
    now += 3600_000;
    expect((await store().findTokenUser(alice, expiring.familyId))?.sessionLive).toBe(false);
  });

  it('lists live sessions with their login time, ends one, and ends all others in one statement', async () => {
    const first = await store().issue(alice, CLIENT);
    now += 1000;
    const rotated = await store().rotate((await store().find(first.raw))!, CLIENT);
    now += 1000;
    const second = await store().issue(alice, CLIENT);
    now += 1000;
    const third = await store().issue(alice, CLIENT);
    const bobs = await store().issue(bob, CLIENT);

    const listed = await store().listSessions(alice, second.familyId);
    expect(listed.map((s) => s.id)).toEqual([third.familyId, second.familyId, first.familyId]);
    const firstSession = listed.find((s) => s.id === first.familyId);
    expect(firstSession?.createdAt).not.toBe(firstSession?.lastUsedAt);
    expect(rotated?.familyId).toBe(first.familyId);
    expect(listed.map((s) => s.current)).toEqual([false, true, false]);

    expect(await store().endSession(alice, bobs.familyId)).toBe(false);
    expect(await store().endSession(alice, third.familyId)).toBe(true);
    expect(await store().endSession(alice, third.familyId)).toBe(false);

    const counted = countingDb(db);
    const ended = await store(counted.db).revokeAllForUser(alice, second.familyId);
    expect(counted.count()).toBe(1);
    expect(ended).toEqual([first.familyId]);
    expect((await store().listSessions(alice, undefined)).map((s) => s.id)).toEqual([
      second.familyId,
    ]);
    expect(await store().listSessions(bob, undefined)).toHaveLength(1);
  });
});
