import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of the nearest package.json named `name`, walking up from the module at
 * `moduleUrl`. Files found relative to the package root stay found whether the module runs from
 * its TypeScript source (src/static/static-plugin.ts) or from the compiled bundle (dist/main.js),
 * which sit at different depths. Throws when no such package.json encloses the module.
 */
export function packageRoot(moduleUrl: string, name: string): string {
  let dir = path.dirname(fileURLToPath(moduleUrl));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
      };
      if (pkg.name === name) return dir;
    } catch {
      // no package.json here (or not JSON): keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json named ${name} above ${moduleUrl}`);
    dir = parent;
  }
}
