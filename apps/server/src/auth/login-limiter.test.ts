import { afterEach, describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.js';

let limiter: LoginLimiter | undefined;
afterEach(() => limiter?.close());

function make() {
  let now = 0;
  limiter = new LoginLimiter({
    maxFailuresPerUser: 5,
    maxFailuresPerIp: 20,
    windowSeconds: 900,
    now: () => now,
    sweepIntervalMs: 0,
  });
  return { l: limiter, advance: (s: number) => (now += s * 1000) };
}

describe('LoginLimiter', () => {
  it('locks a username (case-insensitively) after 5 failures for the rest of the window', () => {
    const { l, advance } = make();
    for (let i = 0; i < 5; i++) {
      expect(l.check('Alice', `10.0.0.${i}`)).toEqual({ allowed: true });
      l.recordFailure('Alice', `10.0.0.${i}`);
      advance(60);
    }
    expect(l.check('alice', '10.9.9.9')).toEqual({ allowed: false, retryAfterSeconds: 600 });
    advance(600);
    expect(l.check('alice', '10.9.9.9')).toEqual({ allowed: true });
  });

  it('locks an IP after 20 failures across usernames', () => {
    const { l } = make();
    for (let i = 0; i < 20; i++) l.recordFailure(`user${i}`, '192.0.2.1');
    expect(l.check('someone-new', '192.0.2.1')).toMatchObject({
      allowed: false,
      retryAfterSeconds: 900,
    });
    expect(l.check('someone-new', '192.0.2.2')).toEqual({ allowed: true });
  });

  it('resets on success', () => {
    const { l } = make();
    for (let i = 0; i < 4; i++) l.recordFailure('bob', '192.0.2.1');
    l.recordSuccess('bob', '192.0.2.1');
    for (let i = 0; i < 4; i++) l.recordFailure('bob', '192.0.2.1');
    expect(l.check('bob', '192.0.2.1')).toEqual({ allowed: true });
  });
});
