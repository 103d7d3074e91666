import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_POLICY, ForwarderState } from './forwarder-state.js';

const ok = (latencyMs = 5) => ({ ok: true, latencyMs, rcode: 'NOERROR' });
const fail = { ok: false, latencyMs: null, rcode: null, error: 'timeout' };

describe('ForwarderState', () => {
  it('healthy → degraded (slow, failure) → down → degraded → healthy', () => {
    const s = new ForwarderState({ ...DEFAULT_HEALTH_POLICY, window: 4, minSuccessRate: 0.75 });
    const at = new Date();
    const to = (r: Parameters<ForwarderState['record']>[0]) => s.record(r, at)?.to ?? null;
    expect(to(ok())).toBe('healthy');
    expect(s.record(ok(), at)).toBeNull();
    expect(to(ok(500))).toBe('degraded');
    expect(s.reason).toMatch(/slow: 500 ms > 200 ms/);
    expect(to(ok())).toBe('healthy');
    expect(to(fail)).toBe('degraded');
    expect(to(fail)).toBeNull();
    expect(to(fail)).toBe('down');
    expect(s.consecutiveFailures).toBe(3);
    expect(s.latencyMs).toBeNull();
    expect(to(ok())).toBe('degraded'); // 1 of the last 4 succeeded
    expect(to(ok())).toBeNull(); // 2 of 4
    expect(to(ok())).toBe('healthy'); // 3 of 4 = 75 %
  });

  it('answers other than NOERROR/NXDOMAIN count as failures with the rcode as reason', () => {
    const s = new ForwarderState(DEFAULT_HEALTH_POLICY);
    expect(s.record({ ok: false, latencyMs: 3, rcode: 'SERVFAIL' }, new Date())).toMatchObject({
      from: null,
      to: 'degraded',
      reason: 'probe failed (answered SERVFAIL)',
    });
  });
});
