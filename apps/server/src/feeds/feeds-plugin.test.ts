import { describe, expect, it } from 'vitest';
import type { BindLease, LeaseView } from '../bind/bind-lease.js';
import type { ManagedBind } from '../bind/managed-bind.js';
import { drivesBind } from './feeds-plugin.js';

/**
 * The feed scheduler runs only while this instance drives BIND: under the BIND lease, once its
 * named runs, not from the moment the lease is its (the fence claim and named's start follow).
 */

const leaseOf = (view: LeaseView) => ({ current: () => view }) as unknown as BindLease;
const named = {} as ManagedBind;

describe('drivesBind', () => {
  it('is true without a lease', () => {
    expect(drivesBind({ managed: null })).toBe(true);
  });

  it('waits for named after the lease was taken', () => {
    const mine = leaseOf({ kind: 'mine', token: 3 });
    expect(drivesBind({ lease: mine, managed: null })).toBe(false);
    expect(drivesBind({ lease: mine, managed: named })).toBe(true);
  });

  it('is false while another instance holds the lease', () => {
    expect(drivesBind({ lease: leaseOf({ kind: 'none' }), managed: null })).toBe(false);
  });
});
