/**
 * Recognizes "the database server is not there": PostgreSQL refusing or dropping connections
 * (the server stopped, restarted, or is shutting down) as node-postgres reports it. The central
 * error handler turns such an error into the catalogue's DATABASE_UNAVAILABLE (503), a stable
 * answer a client can retry, instead of INTERNAL. Wrapped errors are followed a few `cause`s
 * deep.
 */

/** Socket errors of the connection, and PostgreSQL's class 08 (connection) and 57P (shutdown). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);
const SQLSTATE = /^(08\d{3}|57P0[1-3])$/;
/** node-postgres' own messages for a connection that ended or never opened. */
const MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
];

export function isDatabaseUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || SQLSTATE.test(code)))
      return true;
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && MESSAGES.some((m) => message.startsWith(m))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
