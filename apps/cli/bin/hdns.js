#!/usr/bin/env node
// Launcher for `hdns`: runs the compiled CLI (../dist/hdns.js, made by `npm run build`) with
// plain Node, resolved relative to this file's real path, so it works from any working directory
// and through a node_modules/.bin symlink. Stack traces point into the TypeScript sources.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/hdns.js', import.meta.url);
if (!existsSync(bundle)) {
  console.error('hdns: the CLI is not built yet; run `npm run build` in the repository first');
  process.exit(1);
}
process.setSourceMapsEnabled(true);
await import(bundle.href);
