import { describe, expect, it } from 'vitest';
import { safeError } from './safe-error.js';

describe('safeError', () => {
  it('keeps name, message, code and stack, and drops request bytes and URL inputs', () => {
    const parser = Object.assign(new Error('Parse Error: Invalid header value char'), {
      code: 'HPE_INVALID_HEADER_TOKEN',
      rawPacket: Buffer.from('GET /ws?token=abc HTTP/1.1\r\nAuthorization: Bearer abc\r\n'),
    });
    const safe = safeError(parser);
    expect(safe).toMatchObject({ name: 'Error', code: 'HPE_INVALID_HEADER_TOKEN' });
    expect(Object.keys(safe).sort()).toEqual(['code', 'message', 'name', 'stack']);
    expect(JSON.stringify(safe)).not.toContain('abc');

    const url = Object.assign(new TypeError('Invalid URL'), { input: '/ws?token=abc' });
    expect(JSON.stringify(safeError(url))).not.toContain('abc');
  });

  it('masks tokens quoted in messages', () => {
    const err = new Error('cannot route /ws/x/1?token=s3cret&x=1 (Bearer s3cret)');
    const text = JSON.stringify(safeError(err));
    expect(text).not.toContain('s3cret');
    expect(text).toContain('token=[REDACTED]');
  });

  it('describes non-errors without throwing', () => {
    expect(safeError('boom ?token=zz')).toEqual({
      name: 'NonError',
      message: 'boom ?token=[REDACTED]',
    });
    expect(safeError(undefined).name).toBe('NonError');
  });
});
