import { describe, expect, it } from 'vitest';
import type { Identity } from '../auth/identity.js';
import { isAppError } from '../http/app-error.js';
import {
  assertCreateZone,
  assertWriteZone,
  canWriteZone,
  elevatedZoneReason,
  hasExplicitGrant,
} from './zone-access.js';

function who(role: Identity['role'], zones: string[] | null = null): Identity {
  return {
    userId: `${role}-id`,
    username: role,
    role,
    zones,
    expiresAt: new Date(0),
    tokenId: 'jti',
    tokenVersion: 1,
  };
}

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
}

describe('zone access', () => {
  const allZonesOperator = who('operator');

  it('gives the reason an elevated zone needs an admin', () => {
    expect(elevatedZoneReason('corp.example', 'forward')).toMatch(/forward zone corp\.example/);
    expect(elevatedZoneReason('co.uk', 'primary')).toMatch(/co\.uk is at or above a public suffix/);
    expect(elevatedZoneReason('example.com', 'primary')).toBeNull();
    expect(elevatedZoneReason('example.com')).toBeNull();
  });

  it('refuses an all-zones operator TLDs, public suffixes and forward zones with ZONE_NEEDS_ADMIN', () => {
    for (const zone of ['com', 'net', 'co.uk', 'uk']) {
      expect(
        codeOf(() => assertCreateZone(allZonesOperator, zone, 'primary')),
        zone,
      ).toBe('ZONE_NEEDS_ADMIN');
      expect(
        codeOf(() => assertWriteZone(allZonesOperator, zone)),
        zone,
      ).toBe('ZONE_NEEDS_ADMIN');
      expect(canWriteZone(allZonesOperator, zone)).toBe(false);
    }
    expect(codeOf(() => assertCreateZone(allZonesOperator, 'corp.example', 'forward'))).toBe(
      'ZONE_NEEDS_ADMIN',
    );
    expect(codeOf(() => assertWriteZone(allZonesOperator, 'corp.example', 'forward'))).toBe(
      'ZONE_NEEDS_ADMIN',
    );
  });

  it('lets an all-zones operator create private and ordinary zones', () => {
    for (const zone of ['example.com', 'corp.internal', 'home.arpa', '10.in-addr.arpa']) {
      expect(
        codeOf(() => assertCreateZone(allZonesOperator, zone, 'primary')),
        zone,
      ).toBe(undefined);
    }
  });

  it('lets admins do everything', () => {
    const admin = who('admin');
    expect(codeOf(() => assertCreateZone(admin, 'com', 'primary'))).toBeUndefined();
    expect(codeOf(() => assertCreateZone(admin, 'corp.example', 'forward'))).toBeUndefined();
    expect(canWriteZone(admin, 'co.uk', 'primary')).toBe(true);
  });

  it('treats a zones list naming the zone exactly as an explicit grant', () => {
    const granted = who('operator', ['fwd.example', 'co.uk']);
    expect(hasExplicitGrant(granted, 'FWD.example.')).toBe(true);
    expect(hasExplicitGrant(allZonesOperator, 'fwd.example')).toBe(false);
    expect(codeOf(() => assertCreateZone(granted, 'fwd.example', 'forward'))).toBeUndefined();
    expect(codeOf(() => assertCreateZone(granted, 'co.uk', 'primary'))).toBeUndefined();
    // Outside the grants: forbidden as before, whatever the zone.
    expect(codeOf(() => assertCreateZone(granted, 'uk', 'primary'))).toBe('FORBIDDEN');
    expect(codeOf(() => assertCreateZone(granted, 'other.example', 'primary'))).toBe('FORBIDDEN');
  });

  it('refuses viewers with FORBIDDEN and hides ungranted zones as NOT_FOUND', () => {
    expect(codeOf(() => assertCreateZone(who('viewer'), 'example.com', 'primary'))).toBe(
      'FORBIDDEN',
    );
    expect(codeOf(() => assertWriteZone(who('viewer', ['a.example']), 'b.example'))).toBe(
      'NOT_FOUND',
    );
  });
});
