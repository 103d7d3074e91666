import { describe, expect, it } from 'vitest';
import type { Forwarder } from '@hdns/protocol/rest';
import {
  emptyForwarder,
  forwarderBodyOf,
  forwarderDraftOf,
  forwarderFieldOf,
  forwarderPatchOf,
} from './forwarder-draft';

const F: Forwarder = {
  id: 'f1',
  name: 'quad9',
  address: '9.9.9.9',
  port: 53,
  enabled: true,
  version: 3,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
};

describe('forwarder draft', () => {
  it('builds the body of a valid form, IPv6 and a port included', () => {
    expect(
      forwarderBodyOf({ name: ' lab ', address: ' 2001:db8::53 ', port: '5353', enabled: false }),
    ).toEqual({
      ok: true,
      body: { name: 'lab', address: '2001:db8::53', port: 5353, enabled: false },
    });
  });

  it('marks the bad fields', () => {
    const r = forwarderBodyOf({ ...emptyForwarder, address: 'dns.example', port: '0' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['address', 'name', 'port']);
    expect(r.errors.address).toBe('must be an IPv4 or IPv6 address');
    const text = forwarderBodyOf({ ...forwarderDraftOf(F), port: '53a' });
    expect(!text.ok && text.errors.port).toBe('must be a whole number');
  });

  it('patches only what changed', () => {
    const r = forwarderBodyOf({ ...forwarderDraftOf(F), port: '5353' });
    expect(r.ok && forwarderPatchOf(F, r.body)).toEqual({ port: 5353 });
    const same = forwarderBodyOf(forwarderDraftOf(F));
    expect(same.ok && forwarderPatchOf(F, same.body)).toEqual({});
  });

  it('maps server issue paths to fields', () => {
    expect(forwarderFieldOf('/address')).toBe('address');
    expect(forwarderFieldOf('port')).toBe('port');
    expect(forwarderFieldOf('/version')).toBeUndefined();
  });
});
