import type { SqliteDatabase } from '@hdns/hub';
import {
  SqliteDialect,
  SqliteDriver as KyselySqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';

/**
 * Kysely's SQLite dialect, except that a transaction SQLite has already rolled back by itself is
 * not rolled back a second time. SQLite does that on SQLITE_FULL (a full disk), SQLITE_IOERR,
 * SQLITE_NOMEM and some SQLITE_BUSY cases; Kysely's ROLLBACK then fails with "cannot rollback -
 * no transaction is active", and that error replaces the real one (the caller would see an
 * internal error instead of STORAGE_FULL).
 */
export function appSqliteDialect(database: SqliteDatabase): SqliteDialect {
  return new AppSqliteDialect({ database }, database);
}

class AppSqliteDialect extends SqliteDialect {
  constructor(
    private readonly config: SqliteDialectConfig,
    private readonly handle: SqliteDatabase,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new RollbackAwareDriver(this.config, this.handle);
  }
}

class RollbackAwareDriver extends KyselySqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly handle: SqliteDatabase,
  ) {
    super(config);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.handle.inTransaction) return;
    await super.rollbackTransaction(connection);
  }
}
