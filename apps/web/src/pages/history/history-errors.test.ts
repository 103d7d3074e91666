import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/api-error';
import { fieldErrorsOf } from './history-errors';

describe('fieldErrorsOf', () => {
  it('names the filter of each validation issue, first message wins', () => {
    const err = new ApiError(400, 'VALIDATION_ERROR', 'Request validation failed', {
      in: 'querystring',
      issues: [
        { path: '/client', message: 'must be an IPv4/IPv6 address or a CIDR prefix' },
        { path: '/qtype/0', message: 'must be a type name like AAAA' },
        { path: '/client', message: 'second' },
      ],
    });
    expect(fieldErrorsOf(err)).toEqual({
      client: 'must be an IPv4/IPv6 address or a CIDR prefix',
      qtype: 'must be a type name like AAAA',
    });
  });

  it('has nothing for other errors or shapeless details', () => {
    expect(
      fieldErrorsOf(new ApiError(400, 'BAD_CURSOR', 'x', { issues: [{ path: '/a' }] })),
    ).toEqual({});
    expect(fieldErrorsOf(new ApiError(400, 'VALIDATION_ERROR', 'x', 'text'))).toEqual({});
    expect(fieldErrorsOf(new TypeError('offline'))).toEqual({});
  });
});
