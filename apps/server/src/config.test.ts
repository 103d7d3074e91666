import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SETTING_NAMES } from './config.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hdns-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, { cwd: tmp });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has defaults', () => {
    const config = loadConfig({}, { cwd: tmp });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      dataDir: path.join(tmp, 'data'),
      adminPassword: null,
      jwtSecret: null,
      logLevel: 'info',
      logFormat: 'auto',
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 7 * 86_400,
      allowedOrigins: [],
      cookieSecure: false,
      trustedProxies: [],
      login: {
        maxFailuresPerIp: 20,
        maxFailuresPerIpUser: 5,
        slowdownAfter: 5,
        slowdownMaxSeconds: 10,
        windowSeconds: 900,
      },
      rateLimit: { max: 1000, windowSeconds: 60 },
    });
  });

  it('has one row per environment name', () => {
    expect(SETTING_NAMES.length).toBeGreaterThan(40);
    expect(new Set(SETTING_NAMES).size).toBe(SETTING_NAMES.length);
    for (const name of SETTING_NAMES) expect(name).toMatch(/^HDNS_[A-Z0-9_]+$/);
  });

  it('names the bad setting and the value in the message', () => {
    expect(() => loadConfig({ HDNS_PORT: 'abc' }, { cwd: tmp })).toThrow(
      'Invalid configuration: HDNS_PORT must be an integer between 0 and 65535 (got "abc")',
    );
  });

  it.each([
    ['HDNS_PORT', '70000'],
    ['HDNS_PORT', '8080.5'],
    ['HDNS_LOG_LEVEL', 'loud'],
    ['HDNS_ACCESS_TOKEN_TTL', '1y'],
    ['HDNS_ACCESS_TOKEN_TTL', '0'],
    ['HDNS_REFRESH_TOKEN_TTL', 'forever'],
    ['HDNS_ALLOWED_ORIGINS', 'not a url'],
    ['HDNS_ALLOWED_ORIGINS', 'https://a.example/path'],
    ['HDNS_COOKIE_SECURE', 'maybe'],
    ['HDNS_TRUSTED_PROXIES', '10.0.0.0/33'],
    ['HDNS_TRUSTED_PROXIES', '127.0.0.1, proxy.example'],
    ['HDNS_RATE_LIMIT_MAX', '0'],
    ['HDNS_LOGIN_SLOWDOWN_MAX', '1h'],
    ['HDNS_ADMIN_PASSWORD', 'short'],
    ['HDNS_JWT_SECRET', 'too-short'],
    ['HDNS_LOGIN_MAX_FAILURES_PER_IP_USER', '0'],
  ])('rejects %s=%s naming the setting', (key, value) => {
    const problems = problemsOf({ [key]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${key} must `));
  });

  it('lists several problems at once', () => {
    let error: unknown;
    try {
      loadConfig({ HDNS_PORT: '-1', HDNS_LOG_LEVEL: 'x', HDNS_COOKIE_SECURE: 'y' }, { cwd: tmp });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^Invalid configuration \(3 problems\)/);
    for (const key of ['HDNS_PORT', 'HDNS_LOG_LEVEL', 'HDNS_COOKIE_SECURE'])
      expect(message).toContain(key);
  });

  it('refuses the BIND lease without Redis and PostgreSQL, or with a system BIND', () => {
    expect(() => loadConfig({ HDNS_BIND_LEASE: 'true' }, { cwd: tmp })).toThrow(
      /HDNS_BIND_LEASE needs HDNS_REDIS_URL[\s\S]*HDNS_BIND_LEASE needs HDNS_DATABASE_URL/,
    );
    const cluster = {
      HDNS_BIND_LEASE: 'true',
      HDNS_REDIS_URL: 'redis://127.0.0.1:6379',
      HDNS_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/hdns',
      HDNS_JWT_SECRET: 'x'.repeat(32),
    };
    expect(() => loadConfig({ ...cluster, HDNS_JWT_SECRET: undefined }, { cwd: tmp })).toThrow(
      /HDNS_BIND_LEASE needs HDNS_JWT_SECRET/,
    );
    expect(
      loadConfig({ ...cluster, HDNS_CLUSTER_URL: 'http://10.0.0.11:8080' }, { cwd: tmp }).bind,
    ).toMatchObject({ lease: true, clusterUrl: 'http://10.0.0.11:8080' });
    expect(() =>
      loadConfig({ ...cluster, HDNS_BIND_MODE: 'system', HDNS_BIND_SYSTEM_DIR: tmp }, { cwd: tmp }),
    ).toThrow(/works with a managed named only/);
    expect(() => loadConfig({ ...cluster, HDNS_HOST: '0.0.0.0' }, { cwd: tmp })).toThrow(
      /needs HDNS_CLUSTER_URL/,
    );
  });

  it('never echoes secrets', () => {
    const [problem] = problemsOf({ HDNS_ADMIN_PASSWORD: 'hunter2' });
    expect(problem).toContain('HDNS_ADMIN_PASSWORD');
    expect(problem).not.toContain('hunter2');
    expect(problem).toContain('7 characters');
  });

  it('parses durations, booleans, lists and treats empty values as unset', () => {
    const config = loadConfig(
      {
        HDNS_ACCESS_TOKEN_TTL: '15m',
        HDNS_REFRESH_TOKEN_TTL: '30d',
        HDNS_LOGIN_WINDOW: '90',
        HDNS_COOKIE_SECURE: 'true',
        HDNS_TRUSTED_PROXIES: ' 127.0.0.1, 10.0.0.0/8 ,[::1],fd00::/8,',
        HDNS_ALLOWED_ORIGINS: 'https://a.example, http://localhost:5173/ ,',
        HDNS_PORT: '',
        HDNS_DATA_DIR: '/var/lib/hdns',
      },
      { cwd: tmp },
    );
    expect(config).toMatchObject({
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 30 * 86_400,
      login: { windowSeconds: 90 },
      cookieSecure: true,
      trustedProxies: ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8'],
      allowedOrigins: ['https://a.example', 'http://localhost:5173'],
      port: 8080,
      dataDir: '/var/lib/hdns',
    });
  });

  it('gives traffic events a retention of their own, apart from the shared one', () => {
    expect(loadConfig({}, { cwd: tmp }).realtime).toMatchObject({
      retentionEvents: 200_000,
      retentionSeconds: 7 * 86_400,
      trafficRetentionEvents: 100_000,
      trafficRetentionSeconds: 86_400,
    });
    const config = loadConfig(
      { HDNS_TRAFFIC_EVENT_RETENTION: '2h', HDNS_TRAFFIC_EVENT_RETENTION_COUNT: '5000' },
      { cwd: tmp },
    );
    expect(config.realtime).toMatchObject({
      trafficRetentionEvents: 5000,
      trafficRetentionSeconds: 7200,
    });
    expect(() => loadConfig({ HDNS_TRAFFIC_EVENT_RETENTION_COUNT: '10' }, { cwd: tmp })).toThrow(
      /HDNS_TRAFFIC_EVENT_RETENTION_COUNT must be an integer between 100 and 100000000/,
    );
  });

  it('reads the /metrics access and audit retention settings', () => {
    const defaults = loadConfig({}, { cwd: tmp });
    expect(defaults.metricsAccess).toEqual({ token: null, allow: [] });
    expect(defaults.audit).toEqual({
      maxAgeSeconds: 90 * 86_400,
      maxRows: 100_000,
      maxFailureRows: 50_000,
    });
    const config = loadConfig(
      {
        HDNS_METRICS_TOKEN: 'a-long-enough-metrics-token',
        HDNS_METRICS_ALLOW: '10.0.0.0/8, 2001:db8::/32,192.0.2.7',
        HDNS_AUDIT_RETENTION: '30d',
        HDNS_AUDIT_RETENTION_COUNT: '5000',
        HDNS_AUDIT_FAILURE_RETENTION_COUNT: '2000',
      },
      { cwd: tmp },
    );
    expect(config.metricsAccess).toEqual({
      token: 'a-long-enough-metrics-token',
      allow: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'],
    });
    expect(config.audit).toEqual({
      maxAgeSeconds: 30 * 86_400,
      maxRows: 5000,
      maxFailureRows: 2000,
    });
    const problems = problemsOf({
      HDNS_METRICS_TOKEN: 'short-secret',
      HDNS_METRICS_ALLOW: '10.0.0.0/33',
      HDNS_AUDIT_RETENTION_COUNT: '10',
    });
    expect(problems.join('\n')).toMatch(/HDNS_METRICS_TOKEN must be between 16/);
    expect(problems.join('\n')).not.toContain('short-secret');
    expect(problems.join('\n')).toMatch(/HDNS_METRICS_ALLOW must be a comma-separated list/);
    expect(problems.join('\n')).toMatch(/HDNS_AUDIT_RETENTION_COUNT must be an integer/);
  });

  it('makes cookies Secure automatically off loopback', () => {
    expect(loadConfig({ HDNS_HOST: '0.0.0.0' }, { cwd: tmp }).cookieSecure).toBe(true);
    expect(loadConfig({ HDNS_HOST: 'localhost' }, { cwd: tmp }).cookieSecure).toBe(false);
    expect(loadConfig({ HDNS_HOST: '::1' }, { cwd: tmp }).cookieSecure).toBe(false);
  });

  it('reads a JSON file named by HDNS_CONFIG; the environment wins', () => {
    const file = path.join(tmp, 'hdns.json');
    writeFileSync(
      file,
      JSON.stringify({
        HDNS_PORT: 9000,
        HDNS_LOG_LEVEL: 'debug',
        HDNS_TRUSTED_PROXIES: 'loopback',
      }),
    );
    const config = loadConfig({ HDNS_CONFIG: 'hdns.json', HDNS_LOG_LEVEL: 'warn' }, { cwd: tmp });
    expect(config).toMatchObject({
      port: 9000,
      logLevel: 'warn',
      trustedProxies: ['127.0.0.0/8', '::1/128'],
    });
  });

  it('refuses removed settings naming what replaces them, in the environment and in HDNS_CONFIG', () => {
    expect(problemsOf({ HDNS_TRUST_PROXY: 'true' })).toEqual([
      expect.stringMatching(/^HDNS_TRUST_PROXY was removed: .*HDNS_TRUSTED_PROXIES/),
    ]);
    expect(problemsOf({ HDNS_LOGIN_MAX_FAILURES_PER_USER: '5' })).toEqual([
      expect.stringMatching(/^HDNS_LOGIN_MAX_FAILURES_PER_USER was removed: .*SLOWDOWN/),
    ]);
    const file = path.join(tmp, 'old.json');
    writeFileSync(file, JSON.stringify({ HDNS_TRUST_PROXY: true }));
    expect(problemsOf({ HDNS_CONFIG: file })).toEqual([
      expect.stringMatching(/^HDNS_TRUST_PROXY was removed/),
    ]);
    // Asking for no proxy trust is what the new default gives: an old file keeps working.
    expect(loadConfig({ HDNS_TRUST_PROXY: 'false' }, { cwd: tmp }).trustedProxies).toEqual([]);
  });

  it('reports unknown keys, bad values and unreadable files in HDNS_CONFIG', () => {
    const file = path.join(tmp, 'bad.json');
    writeFileSync(file, JSON.stringify({ HDNS_PORT: 'x', HDNS_PROT: 1 }));
    const problems = problemsOf({ HDNS_CONFIG: file });
    expect(problems.join('\n')).toMatch(/unknown setting "HDNS_PROT"/);
    expect(problems.join('\n')).toMatch(/HDNS_PORT must be an integer/);
    expect(problemsOf({ HDNS_CONFIG: 'missing.json' })[0]).toMatch(
      /^HDNS_CONFIG file .*missing\.json/,
    );
  });
});
