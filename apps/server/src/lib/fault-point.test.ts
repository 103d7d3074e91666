import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FAULT_POINT_ENV } from './fault-point.js';

/** Runs `faultPoint('bind-after-apply')` in a fresh Node process with the given environment. */
function runPoint(value: string | undefined): { signal: string | null; stdout: string } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const script =
    "import { faultPoint } from './fault-point.ts';" +
    "faultPoint('bind-after-apply'); console.log('survived');";
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env[FAULT_POINT_ENV];
  if (value !== undefined) env[FAULT_POINT_ENV] = value;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: here,
    env,
    encoding: 'utf8',
  });
  return { signal: r.signal, stdout: r.stdout };
}

describe('faultPoint', () => {
  it('kills the process with SIGKILL at the named point, before the next statement', () => {
    expect(runPoint('bind-after-apply')).toEqual({ signal: 'SIGKILL', stdout: '' });
  });

  it('is inert when the variable is unset or names another point', () => {
    expect(runPoint(undefined)).toEqual({ signal: null, stdout: 'survived\n' });
    expect(runPoint('outbox-after-commit')).toEqual({ signal: null, stdout: 'survived\n' });
  });
});
