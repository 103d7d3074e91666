import { describe, expect, it } from 'vitest';
import { effectiveScope, intersectZones, minRole, scopeExcess } from './token-scope.js';

describe('token scope', () => {
  it('takes the lower role', () => {
    expect(minRole('admin', 'viewer')).toBe('viewer');
    expect(minRole('operator', 'admin')).toBe('operator');
  });

  it('intersects zones, null meaning every zone', () => {
    expect(intersectZones(null, null)).toBeNull();
    expect(intersectZones(null, ['a'])).toEqual(['a']);
    expect(intersectZones(['a', 'b'], null)).toEqual(['a', 'b']);
    expect(intersectZones(['a', 'b'], ['b', 'c'])).toEqual(['b']);
  });

  it("never grants more than the owner's current rights", () => {
    const token = { role: 'admin' as const, zones: null };
    expect(effectiveScope(token, { role: 'operator', zones: ['x.test'] })).toEqual({
      role: 'operator',
      zones: ['x.test'],
    });
    expect(
      effectiveScope(
        { role: 'operator', zones: ['a.test', 'b.test'] },
        { role: 'admin', zones: null },
      ),
    ).toEqual({ role: 'operator', zones: ['a.test', 'b.test'] });
    expect(
      effectiveScope({ role: 'viewer', zones: ['a.test'] }, { role: 'admin', zones: null }),
    ).toEqual({
      role: 'viewer',
      zones: ['a.test'],
    });
    // An admin-role token of an admin reaches every zone whatever it lists.
    expect(
      effectiveScope({ role: 'admin', zones: ['a.test'] }, { role: 'admin', zones: null }),
    ).toEqual({
      role: 'admin',
      zones: null,
    });
  });

  it('names what exceeds the creator', () => {
    expect(scopeExcess({ role: 'admin', zones: null }, { role: 'operator', zones: null })).toBe(
      'role',
    );
    expect(
      scopeExcess({ role: 'viewer', zones: ['b.test'] }, { role: 'operator', zones: ['a.test'] }),
    ).toBe('zones');
    expect(
      scopeExcess({ role: 'viewer', zones: ['a.test'] }, { role: 'operator', zones: ['a.test'] }),
    ).toBeNull();
    expect(
      scopeExcess({ role: 'viewer', zones: null }, { role: 'viewer', zones: ['a.test'] }),
    ).toBeNull();
    expect(
      scopeExcess({ role: 'operator', zones: ['any.test'] }, { role: 'admin', zones: null }),
    ).toBeNull();
  });
});
