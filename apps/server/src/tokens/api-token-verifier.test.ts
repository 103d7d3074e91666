import { describe, expect, it } from 'vitest';
import type { AuditRecordInput } from '../audit/audit-log.js';
import { isAppError } from '../http/app-error.js';
import { hashApiTokenSecret, newApiTokenSecret } from './api-token-secret.js';
import type { ApiTokenOwner, StoredApiToken } from './api-token.js';
import { ApiTokenVerifier, TOUCH_INTERVAL_MS } from './api-token-verifier.js';

const OWNER: ApiTokenOwner = {
  id: 'u1',
  username: 'olga',
  role: 'operator',
  zones: ['a.test', 'b.test'],
  disabled: false,
  tokenVersion: 3,
};

function fixture(
  token: Partial<StoredApiToken> = {},
  owner: ApiTokenOwner = OWNER,
  audit: (input: AuditRecordInput) => Promise<void> = () => Promise.resolve(),
) {
  const { secret, hash, prefix } = newApiTokenSecret();
  const stored: StoredApiToken = {
    id: 't1',
    ownerId: 'u1',
    ownerUsername: 'olga',
    name: 'script',
    prefix,
    role: 'operator',
    zones: ['b.test', 'c.test'],
    readOnly: true,
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    lastUsedFrom: null,
    ...token,
  };
  const touches: { at: string; from: string | null }[] = [];
  const audits: AuditRecordInput[] = [];
  let now = Date.parse('2026-06-01T12:00:00.000Z');
  const verifier = new ApiTokenVerifier({
    store: {
      findForUse: (h) => Promise.resolve(h === hash ? { token: stored, owner } : undefined),
      touch: (_id, at, from) => {
        touches.push({ at, from });
        return Promise.resolve();
      },
    },
    audit: {
      record: (input) => {
        audits.push(input);
        return audit(input);
      },
    },
    log: { error: () => undefined },
    now: () => new Date(now),
  });
  return { secret, verifier, touches, audits, advance: (ms: number) => (now += ms) };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('ApiTokenVerifier', () => {
  it("gives the token's scope narrowed to the owner's, read-only flag and token id", async () => {
    const { secret, verifier } = fixture();
    const identity = await verifier.verify(secret, '192.0.2.9', 'rest');
    expect(identity).toMatchObject({
      userId: 'u1',
      username: 'olga',
      role: 'operator',
      zones: ['b.test'],
      readOnly: true,
      apiTokenId: 't1',
      tokenVersion: 3,
    });
  });

  it('writes the last use at most once per interval, and audits every use', async () => {
    const { secret, verifier, touches, audits, advance } = fixture();
    await verifier.verify(secret, '192.0.2.9', 'rest');
    advance(TOUCH_INTERVAL_MS - 1);
    await verifier.verify(secret, '192.0.2.10', 'rest');
    expect(touches).toEqual([{ at: '2026-06-01T12:00:00.000Z', from: '192.0.2.9' }]);
    advance(1);
    await verifier.verify(secret, '192.0.2.10', 'ws');
    expect(touches).toHaveLength(2);
    expect(touches[1]?.from).toBe('192.0.2.10');
    expect(audits).toHaveLength(3);
    expect(audits[2]).toMatchObject({
      action: 'api_token_use',
      target: 'api_token:t1',
      details: { tokenId: 't1', via: 'ws' },
    });
    expect(JSON.stringify(audits)).not.toContain(secret);
  });

  it('skips the write when storage already has a use within the interval', async () => {
    const { secret, verifier, touches } = fixture({ lastUsedAt: '2026-06-01T11:59:30.000Z' });
    await verifier.verify(secret, null, 'rest');
    expect(touches).toHaveLength(0);
  });

  it('answers without waiting for the audit write, and settled() waits for it', async () => {
    let release = (): void => undefined;
    const written = new Promise<void>((resolve) => (release = resolve));
    let done = false;
    const { secret, verifier, audits } = fixture({}, OWNER, () =>
      written.then(() => {
        done = true;
      }),
    );
    const identity = await verifier.verify(secret, '192.0.2.9', 'rest');
    expect(identity.apiTokenId).toBe('t1');
    expect(audits).toHaveLength(1);
    expect(done).toBe(false);
    const settled = verifier.settled();
    release();
    await settled;
    expect(done).toBe(true);
  });

  it('refuses unknown, revoked and expired tokens and tokens of disabled owners', async () => {
    const known = fixture();
    expect(await refusal(known.verifier.verify(`${known.secret}x`, null, 'rest'))).toBe(
      'AUTH_FAILED',
    );
    const revoked = fixture({ revokedAt: '2026-05-01T00:00:00.000Z' });
    expect(await refusal(revoked.verifier.verify(revoked.secret, null, 'rest'))).toBe(
      'AUTH_FAILED',
    );
    const expired = fixture({ expiresAt: '2026-06-01T11:59:59.999Z' });
    expect(await refusal(expired.verifier.verify(expired.secret, null, 'rest'))).toBe(
      'TOKEN_EXPIRED',
    );
    const disabled = fixture({}, { ...OWNER, disabled: true });
    expect(await refusal(disabled.verifier.verify(disabled.secret, null, 'rest'))).toBe(
      'AUTH_FAILED',
    );
    expect(hashApiTokenSecret(known.secret)).toMatch(/^[0-9a-f]{64}$/);
  });
});
