import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../http/app-error.js';
import { LoginLimiter, SLOWDOWN_BASE_MS, type LoginReservation } from './login-limiter.js';

let limiter: LoginLimiter | undefined;
afterEach(() => limiter?.close());

function make(overrides: { slowdownMaxSeconds?: number } = {}) {
  let now = 0;
  limiter = new LoginLimiter({
    maxFailuresPerIp: 20,
    maxFailuresPerIpUser: 5,
    slowdownAfter: 5,
    slowdownMaxSeconds: overrides.slowdownMaxSeconds ?? 10,
    windowSeconds: 900,
    now: () => now,
    sweepIntervalMs: 0,
  });
  return { l: limiter, advance: (s: number) => (now += s * 1000) };
}

function allowed(r: LoginReservation) {
  if (!r.allowed) throw new Error(`refused, retry after ${r.retryAfterSeconds}s`);
  return r;
}

describe('LoginLimiter', () => {
  it('counts an attempt when it is reserved, so back-to-back reservations hit the limit without any failure being reported', () => {
    const { l } = make();
    const results = Array.from({ length: 300 }, () => l.reserve('admin', '192.0.2.1'));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.slice(5).every((r) => !r.allowed)).toBe(true);
    expect(results[5]).toEqual({ allowed: false, retryAfterSeconds: 900, reason: 'limit' });
  });

  it('limits (address, username): a username (case-insensitively) is refused from that address only, until the window slides', () => {
    const { l, advance } = make();
    for (let i = 0; i < 5; i++) {
      allowed(l.reserve(i % 2 ? 'Alice' : 'alice', '192.0.2.1'));
      advance(60);
    }
    expect(l.reserve('ALICE', '192.0.2.1')).toEqual({
      allowed: false,
      retryAfterSeconds: 600,
      reason: 'limit',
    });
    expect(l.reserve('bob', '192.0.2.1').allowed).toBe(true);
    expect(l.reserve('alice', '192.0.2.2').allowed).toBe(true);
    advance(600);
    expect(l.reserve('alice', '192.0.2.1').allowed).toBe(true);
  });

  it('limits an address across usernames, and an IPv6 /64 counts as one address', () => {
    const { l } = make();
    for (let i = 0; i < 20; i++) allowed(l.reserve(`user${i}`, `2001:db8:1:2::${i + 1}`));
    expect(l.reserve('someone-new', '2001:db8:1:2:ffff::9')).toMatchObject({ allowed: false });
    expect(l.reserve('someone-new', '2001:db8:1:3::1').allowed).toBe(true);
    expect(l.reserve('someone-new', '192.0.2.2').allowed).toBe(true);
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address', () => {
    const { l } = make();
    for (let i = 0; i < 5; i++) allowed(l.reserve('carol', '::ffff:192.0.2.7'));
    expect(l.reserve('carol', '192.0.2.7').allowed).toBe(false);
  });

  it('never locks a username attacked from many addresses: attempts take spaced slots on one schedule, a full queue answers Retry-After', () => {
    const { l, advance } = make({ slowdownMaxSeconds: 3 });
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) delays.push(allowed(l.reserve('admin', `198.51.100.${i}`)).delayMs);
    const b = SLOWDOWN_BASE_MS;
    // Same instant, different addresses: the checks are spaced out, not delayed side by side.
    expect(delays).toEqual([0, 0, 0, 0, 0, 0, b, 3 * b, 7 * b]);
    // The next slot (15 b = 3.75 s) is past the 3 s cap: refused at once, not held.
    expect(l.reserve('admin', '198.51.100.99')).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
      reason: 'slowdown',
    });
    // The admin from a clean address, after Retry-After, gets a slot within the cap.
    advance(1);
    expect(allowed(l.reserve('admin', '203.0.113.9')).delayMs).toBe(15 * b - 1000);
  });

  it('a success takes its attempt back and clears the pair and username counts', () => {
    const { l } = make();
    for (let i = 0; i < 4; i++) allowed(l.reserve('bob', '192.0.2.1'));
    for (let i = 0; i < 6; i++) allowed(l.reserve('bob', `198.51.100.${i}`));
    const ok = allowed(l.reserve('bob', '192.0.2.1'));
    expect(ok.delayMs).toBeGreaterThan(0);
    l.succeeded(ok.ticket);
    for (let i = 0; i < 4; i++) expect(allowed(l.reserve('bob', '192.0.2.1')).delayMs).toBe(0);
    // The address keeps its 8 remaining attempts (4 before, 4 after); 12 more reach its 20.
    for (let i = 0; i < 12; i++) allowed(l.reserve(`x${i}`, '192.0.2.1'));
    expect(l.reserve('y', '192.0.2.1').allowed).toBe(false);
  });

  it('slow-down 0 turns the delay off', () => {
    const { l } = make({ slowdownMaxSeconds: 0 });
    for (let i = 0; i < 30; i++)
      expect(allowed(l.reserve('dan', `198.51.100.${i}`)).delayMs).toBe(0);
  });

  it('close ends pending waits with NOT_READY and is idempotent', async () => {
    limiter = new LoginLimiter({
      maxFailuresPerIp: 20,
      maxFailuresPerIpUser: 5,
      slowdownAfter: 5,
      slowdownMaxSeconds: 10,
      windowSeconds: 900,
    });
    const pending = limiter.wait(60_000);
    limiter.close();
    limiter.close();
    const err: unknown = await pending.catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('NOT_READY');
    await expect(limiter.wait(0)).resolves.toBeUndefined();
  });
});
