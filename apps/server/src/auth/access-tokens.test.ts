import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AccessTokens, TOKEN_AUDIENCE, TOKEN_ISSUER, verifyAccessToken } from './access-tokens.js';

const secret = new TextEncoder().encode('unit-test-secret-unit-test-secret-123');
const subject = {
  id: 'u1',
  username: 'ann',
  role: 'operator' as const,
  zones: ['a.example'],
  tokenVersion: 3,
};

describe('AccessTokens', () => {
  it('signs a token that verifies to the identity', async () => {
    const tokens = new AccessTokens({ secret }, 900);
    const signed = await tokens.sign(subject);
    expect(signed.expiresIn).toBe(900);
    const identity = await verifyAccessToken(signed.token, { secret });
    expect(identity).toEqual({
      userId: 'u1',
      username: 'ann',
      role: 'operator',
      zones: ['a.example'],
      expiresAt: signed.expiresAt,
      tokenId: signed.tokenId,
      tokenVersion: 3,
    });
  });

  it('reports an expired token as TOKEN_EXPIRED', async () => {
    const tokens = new AccessTokens({ secret }, 60, () => Date.now() - 3_600_000);
    const { token } = await tokens.sign(subject);
    await expect(verifyAccessToken(token, { secret })).rejects.toMatchObject({
      code: 'TOKEN_EXPIRED',
    });
  });

  it('refuses alg none, other keys, other issuers and bad claims with AUTH_FAILED', async () => {
    const claims = { username: 'ann', role: 'admin', zones: null, tv: 1 };
    const unsecured = new UnsecuredJWT(claims)
      .setSubject('u1')
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt()
      .setJti('j')
      .setExpirationTime('5m')
      .encode();
    const signWith = (key: Uint8Array, iss: string, extra: Record<string, unknown> = {}) =>
      new SignJWT({ ...claims, ...extra })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u1')
        .setIssuer(iss)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt()
        .setJti('j')
        .setExpirationTime('5m')
        .sign(key);
    const otherKey = new TextEncoder().encode('a-completely-different-secret-0123456789');
    const hs512 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('u1')
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt()
      .setJti('j')
      .setExpirationTime('5m')
      .sign(secret);

    const cases = [
      unsecured,
      await signWith(otherKey, TOKEN_ISSUER),
      await signWith(secret, 'someone-else'),
      await signWith(secret, TOKEN_ISSUER, { role: 'superuser' }),
      // Signed before token versions existed (no `tv`), or with a malformed one.
      await signWith(secret, TOKEN_ISSUER, { tv: undefined }),
      await signWith(secret, TOKEN_ISSUER, { tv: '1' }),
      hs512,
      '',
      'a.b',
    ];
    for (const token of cases) {
      await expect(verifyAccessToken(token, { secret }), token).rejects.toMatchObject({
        code: 'AUTH_FAILED',
      });
    }
    // Sanity: the same builder with the right key and issuer passes.
    await expect(
      verifyAccessToken(await signWith(secret, TOKEN_ISSUER), { secret }),
    ).resolves.toMatchObject({
      role: 'admin',
    });
  });
});
