/**
 * Compiles a Node app of this repository (apps/server, apps/cli) to one JavaScript module with
 * esbuild: `tsx ../../scripts/build-node.ts <entry.ts> <out.js>`, run in the app's directory
 * (its package.json "build" script does that).
 *
 * The workspace packages it imports (@hdns/protocol, @hdns/hub, @hdns/client) are compiled into
 * the bundle from their TypeScript sources, so they need no build of their own and no runtime
 * loader: `node dist/main.js` runs with plain Node. Every other package stays an import of
 * node_modules, and each one must be a production dependency of the app or of a workspace
 * package it bundles: a build that would need a dev dependency at run time (tsx, vitest, …)
 * fails here, naming the import, instead of in production.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const WORKSPACE_SCOPE = '@hdns/';

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** `lodash/fp` → `lodash`, `@scope/pkg/sub` → `@scope/pkg`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** The workspace packages by name → directory, read from the root package.json. */
function workspaceDirs(root: string): Map<string, string> {
  const rootPkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };
  const dirs = new Map<string, string>();
  for (const rel of rootPkg.workspaces) {
    const dir = path.join(root, rel);
    const name = readPackage(dir).name;
    if (name) dirs.set(name, dir);
  }
  return dirs;
}

/**
 * The packages the bundle may import at run time: the app's production dependencies and those
 * of every workspace package reachable through them (those are compiled in, their dependencies
 * are not).
 */
function runtimeDependencies(appDir: string, workspaces: Map<string, string>): Set<string> {
  const allowed = new Set<string>();
  const seen = new Set<string>();
  const visit = (dir: string): void => {
    for (const dep of Object.keys(readPackage(dir).dependencies ?? {})) {
      const wsDir = workspaces.get(dep);
      if (wsDir === undefined) allowed.add(dep);
      else if (!seen.has(dep)) {
        seen.add(dep);
        visit(wsDir);
      }
    }
  };
  visit(appDir);
  return allowed;
}

const BUILTINS = new Set(builtinModules);

/** Bare imports outside the workspace stay imports; undeclared ones fail the build. */
function externals(allowed: Set<string>): Plugin {
  return {
    name: 'hdns-externals',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || BUILTINS.has(args.path)) {
          return { path: args.path, external: true };
        }
        if (args.path.startsWith(WORKSPACE_SCOPE)) return undefined; // compiled in
        const name = packageName(args.path);
        if (allowed.has(name)) return { path: args.path, external: true };
        return {
          errors: [
            {
              text:
                `"${args.path}" is imported at run time but "${name}" is not a production ` +
                `dependency of this app or of a workspace package it uses`,
            },
          ],
        };
      });
    },
  };
}

async function buildNodeApp(appDir: string, entry: string, outfile: string): Promise<void> {
  const root = path.resolve(appDir, '../..');
  const allowed = runtimeDependencies(appDir, workspaceDirs(root));
  await build({
    absWorkingDir: appDir,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    sourcemap: 'linked',
    // Stack traces and pino's error serializer keep the source names.
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [externals(allowed)],
  });
}

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: tsx scripts/build-node.ts <entry.ts> <out.js>   (in the app directory)');
  process.exit(2);
}
try {
  await buildNodeApp(process.cwd(), entry, outfile);
} catch {
  // esbuild has printed its errors.
  process.exit(1);
}
