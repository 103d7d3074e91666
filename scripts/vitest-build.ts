/**
 * Vitest global setup: compiles the server and the CLI (`npm run build` of both, esbuild, about
 * 2 s) before any test file runs, so the tests of the compiled build and of the installed `hdns`
 * bin always run today's sources, never a stale dist/.
 */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('npm', ['run', 'build', '-w', '@hdns/server', '-w', '@hdns/cli'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
