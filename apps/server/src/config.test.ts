import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

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
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 7 * 86_400,
      allowedOrigins: [],
      cookieSecure: false,
      trustProxy: false,
      login: { maxFailuresPerUser: 5, maxFailuresPerIp: 20, windowSeconds: 900 },
    });
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
    ['HDNS_TRUST_PROXY', 'sometimes'],
    ['HDNS_ADMIN_PASSWORD', 'short'],
    ['HDNS_JWT_SECRET', 'too-short'],
    ['HDNS_LOGIN_MAX_FAILURES_PER_USER', '0'],
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
        HDNS_TRUST_PROXY: '1',
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
      trustProxy: true,
      allowedOrigins: ['https://a.example', 'http://localhost:5173'],
      port: 8080,
      dataDir: '/var/lib/hdns',
    });
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
      JSON.stringify({ HDNS_PORT: 9000, HDNS_LOG_LEVEL: 'debug', HDNS_TRUST_PROXY: true }),
    );
    const config = loadConfig({ HDNS_CONFIG: 'hdns.json', HDNS_LOG_LEVEL: 'warn' }, { cwd: tmp });
    expect(config).toMatchObject({ port: 9000, logLevel: 'warn', trustProxy: true });
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
