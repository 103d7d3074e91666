#!/usr/bin/env node
// Launcher for `hdns`: registers tsx's ESM loader in this process, then runs the TypeScript
// entry point. tsx and ../src/main.ts are resolved relative to this file (its real path, also
// when started through a node_modules/.bin symlink), so it works from any working directory.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
