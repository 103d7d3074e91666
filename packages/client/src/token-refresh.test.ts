import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenRefresher, type TokenRefreshDeps } from './token-refresh.js';

const T0 = Date.parse('2025-01-15T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function setup(overrides: Partial<TokenRefreshDeps> = {}) {
  const log: string[] = [];
  let n = 0;
  const deps: TokenRefreshDeps = {
    fraction: 0.8,
    getToken: () => `tok${++n}`,
    authenticate: (token) => {
      log.push(`auth:${token}`);
      return Promise.resolve(iso(Date.now() + 10_000));
    },
    onRefreshed: (at) => log.push(`ok:${at}`),
    onFailed: (err) => log.push(`failed:${String(err)}`),
    ...overrides,
  };
  return { refresher: new TokenRefresher(deps), log };
}

describe('TokenRefresher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('refreshes at 80 % of the lifetime, then again for the new token', async () => {
    const { refresher, log } = setup();
    refresher.start(iso(T0 + 10_000));
    await vi.advanceTimersByTimeAsync(7_999);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual(['auth:tok1', `ok:${iso(T0 + 18_000)}`]);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(log.filter((l) => l.startsWith('auth'))).toEqual(['auth:tok1', 'auth:tok2']);
    refresher.stop();
  });

  it('a token_expiring warning brings the refresh forward to half its window', async () => {
    const { refresher, log } = setup();
    refresher.start(iso(T0 + 100_000)); // due at +80 s
    refresher.expiring(6_000); // due at +3 s instead
    await vi.advanceTimersByTimeAsync(3_000);
    expect(log[0]).toBe('auth:tok1');
    refresher.stop();
  });

  it('a warning never postpones a refresh that is due sooner', async () => {
    const { refresher, log } = setup();
    refresher.start(iso(T0 + 1_000)); // due at +800 ms
    refresher.expiring(60_000);
    await vi.advanceTimersByTimeAsync(800);
    expect(log[0]).toBe('auth:tok1');
    refresher.stop();
  });

  it('on failure reports once and waits (the server will close TOKEN_EXPIRED)', async () => {
    const { refresher, log } = setup({
      getToken: () => Promise.reject(new Error('idp down')),
    });
    refresher.start(iso(T0 + 1_000));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(log).toEqual(['failed:Error: idp down']);
    // …but a later warning tries again
    refresher.expiring(1_000);
    await vi.advanceTimersByTimeAsync(500);
    expect(log).toHaveLength(2);
  });

  it('stop() cancels the timer and discards a refresh in flight', async () => {
    let release: (v: string) => void = () => undefined;
    const { refresher, log } = setup({
      authenticate: () => new Promise<string>((r) => (release = r)),
    });
    refresher.start(iso(T0 + 1_000));
    await vi.advanceTimersByTimeAsync(800);
    refresher.stop();
    release(iso(T0 + 60_000));
    await vi.advanceTimersByTimeAsync(100_000);
    expect(log).toEqual([]);
  });

  it('ignores warnings while a refresh is in flight', async () => {
    let calls = 0;
    const { refresher } = setup({
      getToken: () => {
        calls++;
        return new Promise<string>(() => undefined);
      },
    });
    refresher.start(iso(T0 + 1_000));
    await vi.advanceTimersByTimeAsync(800);
    refresher.expiring(100);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(1);
    refresher.stop();
  });
});
