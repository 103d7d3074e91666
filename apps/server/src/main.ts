import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { initialAdminPasswordFile } from './auth/bootstrap-admin.js';
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import { safeError } from './http/safe-error.js';
import { logDestination } from './log-destination.js';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * The generated first-admin password is kept in a 0600 file in the data dir; it is written to
 * the terminal as well only when stdout is one, never into a redirected stdout (journald,
 * `docker logs`, a CI log), where it would outlive the first login.
 */
function announceAdminPassword(app: FastifyInstance, password: string, file: string): void {
  app.log.warn(
    { username: 'admin', passwordFile: file },
    `created user "admin" with a generated password, kept in ${file} (mode 0600); ` +
      'log in, change it, then delete that file',
  );
  if (!process.stdout.isTTY) return;
  // Straight to the terminal, not through pino: shown once to the operator, never in log files.
  const line = '='.repeat(72);
  process.stdout.write(
    `\n${line}\n  First start: created user "admin" with the generated password:\n\n` +
      `      ${password}\n\n` +
      `  Also kept in ${file} (mode 0600).\n` +
      `  Log in, change it (PATCH /api/users/:id), then delete that file.\n${line}\n\n`,
  );
}

function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * The last line of defence, not the fix: every ingress path (upgrade, request, client error,
 * frame handlers) guards itself, so reaching this is a bug. The process state is unknown after
 * an uncaught error, so it logs (name, message, stack: never tokens or request bytes) and exits
 * cleanly with status 1, for the supervisor to restart it.
 */
function lastLineOfDefence(onFatal: (err: unknown, origin: string) => void): void {
  process.on('uncaughtException', (err, origin) => onFatal(err, origin));
  process.on('unhandledRejection', (reason) => onFatal(reason, 'unhandledRejection'));
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();

  const stream = logDestination(config.logFormat, process.stdout.isTTY === true);
  const app = await buildApp({ config, ...(stream ? { logger: { stream } } : {}) });
  const password = app.takeGeneratedAdminPassword();
  if (password !== null) {
    announceAdminPassword(app, password, initialAdminPasswordFile(config.dataDir));
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('shutdown timed out, exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    app.close().then(
      () => {
        clearTimeout(timer);
        process.exit(0);
      },
      (err: unknown) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  lastLineOfDefence((err, origin) => {
    app.log.fatal({ error: safeError(err), origin }, 'uncaught error; shutting down');
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    // Clean shutdown (named stopped, clients told to reconnect), but the exit code says failure.
    void app.close().finally(() => process.exit(1));
  });

  const address = await app.listen({ host: config.host, port: config.port });
  app.log.info(`listening on ${address} (API docs at ${address}/docs)`);
}

main().catch((err: unknown) => {
  console.error('Fatal:', err);
  process.exit(1);
});
