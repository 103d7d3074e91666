import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '@hdns/protocol';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { AppError } from '../http/app-error.js';
import type { Identity } from './identity.js';

export const TOKEN_ISSUER = 'hdns';
export const TOKEN_AUDIENCE = 'hdns-api';
const ALGORITHM = 'HS256';

export interface AccessTokenKey {
  secret: Uint8Array;
  issuer?: string;
  audience?: string;
}

export interface AccessTokenSubject {
  id: string;
  username: string;
  role: Role;
  zones: string[] | null;
  /** The user's current token version; a token with an older one is refused. */
  tokenVersion: number;
  /** The login session (refresh-token family) the token was issued to; claim `sid`. */
  sessionId?: string;
}

export interface SignedAccessToken {
  token: string;
  expiresIn: number;
  expiresAt: Date;
  tokenId: string;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  username: z.string().min(1),
  role: z.enum(ROLES),
  zones: z.array(z.string()).nullable(),
  jti: z.string().min(1),
  // Tokens signed before token versions existed lack it and are refused: clients refresh.
  tv: z.number().int().nonnegative(),
  // The login session (refresh-token family); tokens signed before sessions were listed lack it.
  sid: z.string().min(1).optional(),
  iat: z.number(),
  exp: z.number(),
});

/**
 * Verifies an access token: signature (HS256 only, so `alg: none` and asymmetric algorithms are
 * refused), issuer, audience, expiry and claim shapes. Stateless: it does not consult the user
 * table; the REST `authenticate` hook and the hub's verifier do that on top, including the
 * `tv` (token version) check. Throws AppError TOKEN_EXPIRED for an
 * expired but otherwise valid token and AUTH_FAILED for anything else.
 */
export async function verifyAccessToken(token: string, key: AccessTokenKey): Promise<Identity> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key.secret, {
      algorithms: [ALGORITHM],
      issuer: key.issuer ?? TOKEN_ISSUER,
      audience: key.audience ?? TOKEN_AUDIENCE,
      requiredClaims: ['sub', 'jti', 'iat', 'exp'],
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new AppError('TOKEN_EXPIRED');
    throw new AppError('AUTH_FAILED');
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new AppError('AUTH_FAILED');
  const c = claims.data;
  return {
    userId: c.sub,
    username: c.username,
    role: c.role,
    zones: c.zones,
    expiresAt: new Date(c.exp * 1000),
    tokenId: c.jti,
    tokenVersion: c.tv,
    ...(c.sid !== undefined ? { sessionId: c.sid } : {}),
  };
}

/** Signs and verifies access tokens with one key and lifetime. */
export class AccessTokens {
  constructor(
    private readonly key: AccessTokenKey,
    readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async sign(subject: AccessTokenSubject): Promise<SignedAccessToken> {
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + this.ttlSeconds;
    const tokenId = randomUUID();
    const token = await new SignJWT({
      username: subject.username,
      role: subject.role,
      zones: subject.zones,
      tv: subject.tokenVersion,
      ...(subject.sessionId !== undefined ? { sid: subject.sessionId } : {}),
    })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(subject.id)
      .setIssuer(this.key.issuer ?? TOKEN_ISSUER)
      .setAudience(this.key.audience ?? TOKEN_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(tokenId)
      .sign(this.key.secret);
    return { token, expiresIn: this.ttlSeconds, expiresAt: new Date(exp * 1000), tokenId };
  }

  verify(token: string): Promise<Identity> {
    return verifyAccessToken(token, this.key);
  }
}
