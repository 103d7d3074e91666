import { buildApp } from './app.js';
import { ConfigError, loadConfig, type AppConfig } from './config.js';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

function printAdminPassword(password: string): void {
  // Straight to stdout, not through pino: shown once to the operator, never kept in log files.
  const line = '='.repeat(72);
  process.stdout.write(
    `\n${line}\n  First start: created user "admin" with the generated password:\n\n` +
      `      ${password}\n\n` +
      `  It is shown only this once. Log in and change it (PATCH /api/users/:id).\n${line}\n\n`,
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

async function main(): Promise<void> {
  const config = loadConfigOrExit();

  const app = await buildApp({ config });
  const password = app.takeGeneratedAdminPassword();
  if (password !== null) printAdminPassword(password);

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

  const address = await app.listen({ host: config.host, port: config.port });
  app.log.info(`listening on ${address} (API docs at ${address}/docs)`);
}

main().catch((err: unknown) => {
  console.error('Fatal:', err);
  process.exit(1);
});
