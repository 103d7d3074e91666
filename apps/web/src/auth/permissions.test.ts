import { describe, expect, it } from 'vitest';
import type { SessionUser } from '@hdns/protocol/rest';
import { canWriteZone } from './permissions';

const user = (role: SessionUser['role'], zones: string[] | null): SessionUser => ({
  id: 'u1',
  username: 'u',
  role,
  zones,
});
const ordinary = { name: 'example.com', needsAdmin: false };
const elevated = { name: 'co.uk', needsAdmin: true };

describe('canWriteZone (mirrors zone-access.ts on the server)', () => {
  it('lets admins write every zone, viewers none', () => {
    expect(canWriteZone(user('admin', null), elevated)).toBe(true);
    expect(canWriteZone(user('viewer', null), ordinary)).toBe(false);
    expect(canWriteZone(user('viewer', ['co.uk']), elevated)).toBe(false);
  });

  it('lets an all-zones operator write ordinary zones but not the ones that need an admin', () => {
    const op = user('operator', null);
    expect(canWriteZone(op, ordinary)).toBe(true);
    expect(canWriteZone(op, elevated)).toBe(false);
    expect(canWriteZone(op, { name: 'fwd.example', needsAdmin: true })).toBe(false);
  });

  it('lets an operator write a zone that needs an admin when granted exactly that zone', () => {
    expect(canWriteZone(user('operator', ['CO.UK.']), elevated)).toBe(true);
    expect(canWriteZone(user('operator', ['uk']), elevated)).toBe(false);
    expect(canWriteZone(user('operator', ['co.uk']), ordinary)).toBe(false);
    expect(canWriteZone(user('operator', ['example.com']), ordinary)).toBe(true);
  });
});
