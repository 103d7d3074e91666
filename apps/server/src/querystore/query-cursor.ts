import { createHash } from 'node:crypto';
import { AppError } from '../http/app-error.js';

/**
 * The page cursor: the (ts, seq) of the last row of a page, where pages are ordered by
 * (ts desc, seq desc). Opaque to clients (base64url with a short check), so a cursor edited by
 * hand or taken from elsewhere is refused with BAD_CURSOR rather than read as a position.
 */

export interface CursorPosition {
  /** Epoch milliseconds. */
  ts: number;
  /** The row's store-wide sequence number (its id). */
  seq: number;
}

const VERSION = 'q1';

function check(payload: string): string {
  return createHash('sha256')
    .update(`hdns-query-cursor:${payload}`)
    .digest('base64url')
    .slice(0, 8);
}

export function encodeCursor(position: CursorPosition): string {
  const payload = `${VERSION}.${position.ts}.${position.seq}`;
  return Buffer.from(`${payload}.${check(payload)}`).toString('base64url');
}

/** The position a cursor names; throws AppError BAD_CURSOR for one this store did not produce. */
export function decodeCursor(cursor: string): CursorPosition {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const parts = text.split('.');
  const [version, ts, seq, sum] = parts;
  const payload = `${version}.${ts}.${seq}`;
  if (
    parts.length !== 4 ||
    version !== VERSION ||
    !/^\d{1,16}$/.test(ts ?? '') ||
    !/^\d{1,16}$/.test(seq ?? '') ||
    sum !== check(payload) ||
    Buffer.from(text).toString('base64url') !== cursor
  ) {
    throw new AppError('BAD_CURSOR');
  }
  return { ts: Number(ts), seq: Number(seq) };
}
