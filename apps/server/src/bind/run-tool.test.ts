import { afterEach, describe, expect, it } from 'vitest';
import { runTool } from './run-tool.js';
import { toolEnv } from './tool-env.js';

/** A real child process (/usr/bin/env prints the environment it was given). */
describe('runTool environment', () => {
  const planted = ['HDNS_JWT_SECRET', 'HDNS_ADMIN_PASSWORD', 'HDNS_METRICS_TOKEN', 'AWS_SECRET'];
  afterEach(() => {
    for (const name of planted) delete process.env[name];
  });

  it('never passes the server environment to a tool, only PATH and the locale', async () => {
    for (const name of planted) process.env[name] = `secret-of-${name}-0123456789abcdef`;
    const r = await runTool('/usr/bin/env', []);
    expect(r.code).toBe(0);
    const names = r.stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => l.slice(0, l.indexOf('=')));
    expect(names).toContain('PATH');
    for (const name of names) expect(['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ']).toContain(name);
    expect(r.stdout).not.toMatch(/secret-of-/);
  });

  it('toolEnv copies only the kept variables that are set', () => {
    expect(toolEnv({ PATH: '/bin', TZ: 'UTC', HDNS_JWT_SECRET: 'x', HOME: '/root' })).toEqual({
      PATH: '/bin',
      TZ: 'UTC',
    });
  });
});
