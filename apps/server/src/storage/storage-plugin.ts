import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AuditLog } from '../audit/audit-log.js';
import { AuditRetention } from '../audit/audit-retention.js';
import { safeError } from '../http/safe-error.js';
import { openDatabase, openPostgres, runMigrations, type Db } from './db.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Kysely handle. Closed by the app's onClose. */
    db: Db;
    auditLog: AuditLog;
  }
}

export interface StoragePluginOptions {
  dataDir: string;
  /** PostgreSQL instead of `<dataDir>/hdns.sqlite` when set. */
  databaseUrl?: string | null;
  /** PostgreSQL's idle_in_transaction_session_timeout for each connection; 0 sends none. */
  idleInTransactionTimeoutMs?: number;
}

async function storagePlugin(app: FastifyInstance, opts: StoragePluginOptions): Promise<void> {
  const db = opts.databaseUrl
    ? openPostgres(opts.databaseUrl, {
        ...(opts.idleInTransactionTimeoutMs !== undefined
          ? { idleInTransactionTimeoutMs: opts.idleInTransactionTimeoutMs }
          : {}),
        onError: (err) => app.log.warn({ error: safeError(err) }, 'a PostgreSQL connection failed'),
      })
    : openDatabase(opts.dataDir);
  try {
    const applied = await runMigrations(db);
    if (applied.length > 0) app.log.info({ migrations: applied }, 'database migrated');
  } catch (err) {
    await db.destroy();
    throw err;
  }
  app.decorate('db', db);
  app.decorate('auditLog', new AuditLog(db));
  // The audit log's age and row limits, pruned at start and every 10 minutes.
  const retention = new AuditRetention(db, {
    ...app.config.audit,
    onError: (err) => app.log.error({ err }, 'audit log pruning failed'),
  });
  await retention.start().then(
    (pruned) => {
      if (pruned.byAge + pruned.byCount + pruned.failuresByCount > 0)
        app.log.info({ pruned }, 'audit log pruned');
    },
    (err: unknown) => app.log.error({ err }, 'audit log pruning failed'),
  );
  app.addHook('onClose', async () => {
    await retention.close();
    await db.destroy();
  });
}

/** Opens the database, runs migrations and shares `app.db` and `app.auditLog` app-wide. */
export const storage = fp(storagePlugin, { name: 'hdns-storage' });
