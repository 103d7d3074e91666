import { describe, expect, it } from 'vitest';
import { toAppError } from '../http/error-handler.js';
import { isStorageFull } from './storage-full.js';

const withCode = (code: string, cause?: unknown) =>
  Object.assign(new Error(code, cause === undefined ? {} : { cause }), { code });

describe('isStorageFull', () => {
  it('recognizes ENOSPC, EDQUOT and SQLITE_FULL, also as the cause of another error', () => {
    expect(isStorageFull(withCode('ENOSPC'))).toBe(true);
    expect(isStorageFull(withCode('EDQUOT'))).toBe(true);
    expect(isStorageFull(withCode('SQLITE_FULL'))).toBe(true);
    expect(isStorageFull(new Error('wrapped', { cause: withCode('ENOSPC') }))).toBe(true);
  });

  it('rejects everything else', () => {
    expect(isStorageFull(withCode('EACCES'))).toBe(false);
    expect(isStorageFull(withCode('SQLITE_BUSY'))).toBe(false);
    expect(isStorageFull(new Error('ENOSPC in the message only'))).toBe(false);
    expect(isStorageFull('ENOSPC')).toBe(false);
    expect(isStorageFull(null)).toBe(false);
  });

  it('becomes STORAGE_FULL (507) in the error handler, with no internals in the body', () => {
    const mapped = toAppError(withCode('SQLITE_FULL'));
    expect(mapped.statusCode).toBe(507);
    expect(mapped.toBody()).toEqual({
      code: 'STORAGE_FULL',
      message: 'Out of disk space in the data directory; the change was not made',
    });
  });
});
