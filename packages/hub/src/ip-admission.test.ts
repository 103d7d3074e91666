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
});
