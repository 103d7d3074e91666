import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from './password.js';

const FAST = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$N=32768,r=8,p=1\$[\w-]+\$[\w-]+$/);
    await expect(verifyPassword('correct horse battery', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', hash)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', FAST), hashPassword('same', FAST)]);
    expect(a).not.toBe(b);
  });

  it('reads parameters from the hash', async () => {
    const hash = await hashPassword('pw-params', FAST);
    expect(hash.startsWith('scrypt$N=1024,r=8,p=1$')).toBe(true);
    await expect(verifyPassword('pw-params', hash)).resolves.toBe(true);
    expect(needsRehash(hash)).toBe(true);
    expect(needsRehash(await hashPassword('x'))).toBe(false);
  });

  it('returns false for malformed or hostile stored hashes', async () => {
    for (const stored of [
      '',
      'plain',
      'scrypt$N=3,r=8,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAA',
      'scrypt$N=1073741824,r=8,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      await expect(verifyPassword('x', stored)).resolves.toBe(false);
    }
  });

  it('round-trips any password (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 64 }),
        fc.string({ maxLength: 64 }),
        async (pw, other) => {
          const hash = await hashPassword(pw, FAST);
          expect(await verifyPassword(pw, hash)).toBe(true);
          if (other.normalize('NFKC') !== pw.normalize('NFKC')) {
            expect(await verifyPassword(other, hash)).toBe(false);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
