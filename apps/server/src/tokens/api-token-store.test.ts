import { beforeAll, expect, it } from 'vitest';
import { countingDb } from '../../test/query-counter.js';
import { describeStorage } from '../../test/storage-backends.js';
import type { Db } from '../storage/db.js';
import { UserRepository } from '../users/user-repository.js';
import { hashApiTokenSecret, newApiTokenSecret } from './api-token-secret.js';
import { ApiTokenStore } from './api-token-store.js';

describeStorage('ApiTokenStore', (open) => {
  let db: Db;
  let ownerId: string;
  let tokenVersion: number;
  beforeAll(async () => {
    db = await open();
    const owner = await new UserRepository(db).insert({
      username: 'tess',
      passwordHash: 'x',
      role: 'operator',
      zones: ['a.test'],
    });
    ownerId = owner.id;
    tokenVersion = owner.tokenVersion;
  });

  it("reads a token for a use and its owner's current rights in one statement", async () => {
    const { hash, prefix, secret } = newApiTokenSecret();
    await new ApiTokenStore(db).insert({
      id: 'tok-1',
      ownerId,
      name: 'script',
      hash,
      prefix,
      role: 'viewer',
      zones: null,
      readOnly: true,
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: null,
    });
    await new UserRepository(db).update(ownerId, 1, { disabled: true, revokeTokens: true });
    const counted = countingDb(db);
    const found = await new ApiTokenStore(counted.db).findForUse(hashApiTokenSecret(secret));
    expect(counted.count()).toBe(1);
    expect(found?.token).toMatchObject({ id: 'tok-1', ownerUsername: 'tess', readOnly: true });
    expect(found?.owner).toEqual({
      id: ownerId,
      username: 'tess',
      role: 'operator',
      zones: ['a.test'],
      disabled: true,
      tokenVersion: tokenVersion + 1,
    });
    expect(await new ApiTokenStore(db).findForUse(hashApiTokenSecret(`${secret}x`))).toBe(
      undefined,
    );
  });

  it('finds nothing for a token whose owner was deleted', async () => {
    const users = new UserRepository(db);
    const gone = await users.insert({
      username: 'gone',
      passwordHash: 'x',
      role: 'admin',
      zones: null,
    });
    const { hash, prefix, secret } = newApiTokenSecret();
    await new ApiTokenStore(db).insert({
      id: 'tok-gone',
      ownerId: gone.id,
      name: 'orphan',
      hash,
      prefix,
      role: 'admin',
      zones: null,
      readOnly: false,
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: null,
    });
    expect(await new ApiTokenStore(db).findForUse(hashApiTokenSecret(secret))).toBeDefined();
    expect(await users.delete(gone.id)).toBe(true);
    expect(await new ApiTokenStore(db).findForUse(hashApiTokenSecret(secret))).toBeUndefined();
  });
});
