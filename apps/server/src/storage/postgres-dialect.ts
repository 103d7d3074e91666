import { PostgresDialect } from 'kysely';
import pg from 'pg';

/** OIDs of PostgreSQL's 64-bit integer and numeric types. */
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Numbers come back as numbers, as from SQLite: `count(*)` and the `bigint` columns (seqs,
 * serials, audit ids) are int8, which node-postgres returns as strings by default. Every value
 * the app stores in them is far below 2^53; one that is not is an error, not a rounded number.
 */
function parseSafeInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer out of range: ${text}`);
  return n;
}

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID) return parseSafeInteger;
    if (oid === NUMERIC_OID) return Number;
    // pg-types declares the text parsers as returning `any`.
    return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PostgresDialectOptions {
  /** Pool size of this instance. Default 10. */
  maxConnections?: number;
  /** How long an idle pooled connection stays open; 0 keeps it. Default 30 s. */
  idleTimeoutMs?: number;
  /** How long opening a connection may take; 0 waits for the OS. Default 5 s. */
  connectTimeoutMs?: number;
  /**
   * How long a session may sit idle inside an open transaction before PostgreSQL ends it,
   * releasing its row locks. Default 30 s; 0 sends nothing (the server's or role's setting
   * applies: for poolers that refuse the startup parameter). The app's transactions hold no
   * external waits (BIND is applied before the change is stored), so only a frozen process
   * (SIGSTOP, a suspended VM) or a host gone without closing its connections gets there, and its
   * locks must not stop the instance that takes the BIND lease over from storing anything.
   */
  idleInTransactionTimeoutMs?: number;
  /**
   * Reported when a pooled connection fails, idle or inside a transaction (the server restarted,
   * the network broke, the idle-in-transaction timeout ended it).
   */
  onError?: (err: Error) => void;
}

/**
 * Kysely's PostgresDialect over a node-postgres pool for `url` (postgres://, postgresql://).
 * The pool reconnects on its own: a query while the server is away fails (the API answers
 * DATABASE_UNAVAILABLE), and the next one after it is back succeeds.
 */
export function postgresDialect(
  url: string,
  options: PostgresDialectOptions = {},
): PostgresDialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 30_000,
    types,
  });
  // Every client reports its first error itself (below), idle or checked out, so the pool's
  // copy of an idle client's error is not reported twice; it needs a listener all the same, or
  // it would be thrown.
  pool.on('error', () => undefined);
  // A checked-out client between two statements (inside a transaction) emits its error on
  // itself, e.g. when PostgreSQL ends it at the idle-in-transaction timeout or restarts: without
  // a listener of its own that error would be thrown and stop the process. The transaction's
  // next statement fails with it anyway, and the pool drops the broken client. One report per
  // client: a connection ended by the server also emits "terminated unexpectedly" after it.
  pool.on('connect', (client) => {
    let reported = false;
    client.on('error', (err) => {
      if (reported) return;
      reported = true;
      options.onError?.(err);
    });
  });
  return new PostgresDialect({ pool });
}
