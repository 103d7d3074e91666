import { beforeAll, expect, it } from 'vitest';
import { describeStorage } from '../../test/storage-backends.js';
import type { Db } from '../storage/db.js';
import { UserRepository } from '../users/user-repository.js';
import { LegacyUseStore, MAX_USER_AGENT, type LegacyUseKey } from './legacy-use-store.js';

describeStorage('LegacyUseStore', (open) => {
  let db: Db;
  let ada: string;
  let bob: string;
  let clock = Date.parse('2026-03-01T10:00:00.000Z');
  const tick = (ms: number) => (clock += ms);
  const at = (ms: number) => new Date(ms).toISOString();
  let store: LegacyUseStore;

  beforeAll(async () => {
    db = await open();
    const users = new UserRepository(db);
    const add = (username: string) =>
      users.insert({ username, passwordHash: 'x', role: 'admin', zones: null });
    ada = (await add('ada')).id;
    bob = (await add('bob')).id;
    store = new LegacyUseStore(db, () => new Date(clock));
  });

  it('keeps one row per user, generation, route and type, counting accepted and refused sockets', async () => {
    const health: LegacyUseKey = {
      userId: ada,
      generation: 1,
      route: 'ws-type',
      connectionType: 'health',
    };
    const first = clock;
    await store.record(health, 'accepted', 'Mozilla/5.0 old');
    tick(1_000);
    await store.record(health, 'accepted', 'Mozilla/5.0 newer');
    tick(1_000);
    await store.record(health, 'refused', undefined);
    tick(1_000);
    // Same user and generation, another type and another route: rows of their own.
    await store.record({ ...health, connectionType: 'security' }, 'accepted', 'ua');
    tick(1_000);
    await store.record({ userId: bob, generation: 2, route: 'api-websocket' }, 'accepted', 'b');
    // A connection type on generation 2 is not part of its key.
    tick(1_000);
    await store.record(
      { userId: bob, generation: 2, route: 'api-websocket', connectionType: 'x' },
      'accepted',
      'b2',
    );

    const rows = await store.list();
    expect(rows).toEqual([
      {
        userId: bob,
        username: 'bob',
        generation: 2,
        route: 'api-websocket',
        connectionType: null,
        userAgent: 'b2',
        firstSeenAt: at(clock - 1_000),
        lastSeenAt: at(clock),
        connections: 2,
        refused: 0,
      },
      {
        userId: ada,
        username: 'ada',
        generation: 1,
        route: 'ws-type',
        connectionType: 'security',
        userAgent: 'ua',
        firstSeenAt: at(clock - 2_000),
        lastSeenAt: at(clock - 2_000),
        connections: 1,
        refused: 0,
      },
      {
        userId: ada,
        username: 'ada',
        generation: 1,
        route: 'ws-type',
        connectionType: 'health',
        // A connection without a User-Agent clears it: the row says what the latest one sent.
        userAgent: null,
        firstSeenAt: at(first),
        lastSeenAt: at(first + 2_000),
        connections: 2,
        refused: 1,
      },
    ]);
  });

  it('moves last seen when an accepted socket closes, and bounds the User-Agent', async () => {
    const key: LegacyUseKey = { userId: ada, generation: 2, route: 'ws' };
    tick(1_000);
    await store.record(key, 'accepted', 'x'.repeat(MAX_USER_AGENT * 4));
    const opened = clock;
    tick(60_000);
    await store.closed(key);
    const row = (await store.list()).find((r) => r.route === 'ws');
    expect(row).toMatchObject({ firstSeenAt: at(opened), lastSeenAt: at(opened + 60_000) });
    expect(row?.userAgent).toHaveLength(MAX_USER_AGENT);
    // The most recently seen row comes first.
    expect((await store.list())[0]?.route).toBe('ws');
  });

  it('closing a socket whose row is gone (user deleted) writes nothing', async () => {
    await new UserRepository(db).delete(bob);
    const before = await store.list();
    expect(before.some((r) => r.userId === bob)).toBe(false);
    await store.closed({ userId: bob, generation: 2, route: 'api-websocket' });
    expect(await store.list()).toEqual(before);
  });
});
