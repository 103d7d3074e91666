import { describe, expect, it } from 'vitest';
import { IpAdmission } from './ip-admission.js';

describe('IpAdmission', () => {
  it('limits open connections and attempts per address, independently per address', () => {
    let now = 0;
    const admission = new IpAdmission(
      { maxConnectionsPerIp: 2, maxAttemptsPerIp: 4, attemptWindowMs: 1000 },
      () => now,
    );
    const a = admission.admit('10.0.0.1');
    const b = admission.admit('10.0.0.1');
    expect(a.ok && b.ok).toBe(true);
    expect(admission.admit('10.0.0.1')).toEqual({ ok: false, reason: 'too_many_connections' });
    expect(admission.admit('10.0.0.2').ok).toBe(true);
    if (a.ok) {
      a.release();
      a.release(); // idempotent
    }
    expect(admission.openFrom('10.0.0.1')).toBe(1);
    const fourth = admission.admit('10.0.0.1'); // 4th attempt in the window
    expect(fourth.ok).toBe(true);
    expect(admission.admit('10.0.0.1')).toEqual({ ok: false, reason: 'too_many_attempts' });
    if (fourth.ok) fourth.release();
    now += 1000; // a new window
    expect(admission.admit('10.0.0.1').ok).toBe(true);
    admission.close();
  });

  it('keys addresses as REST does: one IPv6 /64 is one address, IPv4-mapped is IPv4', () => {
    let now = 0;
    const admission = new IpAdmission(
      { maxConnectionsPerIp: 2, maxAttemptsPerIp: 3, attemptWindowMs: 1000 },
      () => now,
    );
    // Rotating addresses inside one /64 shares one connection budget…
    expect(admission.admit('2001:db8:1:2::1').ok).toBe(true);
    expect(admission.admit('2001:db8:1:2:ffff::2').ok).toBe(true);
    expect(admission.admit('2001:db8:1:2::3')).toEqual({
      ok: false,
      reason: 'too_many_connections',
    });
    expect(admission.openFrom('2001:db8:1:2::99')).toBe(2);
    // …and one attempt budget (3 used above).
    expect(admission.admit('2001:db8:1:2::4')).toEqual({ ok: false, reason: 'too_many_attempts' });
    now += 1000;
    // The next /64 is another address.
    expect(admission.admit('2001:db8:1:3::1').ok).toBe(true);

    const v4 = admission.admit('192.0.2.7');
    const mapped = admission.admit('::ffff:192.0.2.7');
    expect(v4.ok && mapped.ok).toBe(true);
    expect(admission.admit('::ffff:c000:207')).toEqual({
      ok: false,
      reason: 'too_many_connections',
    });
    if (mapped.ok) mapped.release();
    expect(admission.openFrom('192.0.2.7')).toBe(1);
    admission.close();
  });
});
