/**
 * `hdns` entry point (compiled to dist/hdns.js, which bin/hdns.js runs): runs the command line and exits with its
 * code. Everything else lives in cli.ts, which tests can import without side effects.
 */
import { main } from './cli.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Let pending output drain, but do not wait long for stray handles (sockets closing, timers).
setTimeout(() => process.exit(code), 2_000).unref();
