import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from './app-error.js';
import { toAppError } from './error-handler.js';

describe('toAppError', () => {
  it('passes AppErrors through with the catalogue status', () => {
    const err = new AppError('LAST_ADMIN');
    expect(toAppError(err)).toBe(err);
    expect(err.statusCode).toBe(409);
    expect(err.toBody()).toEqual({
      code: 'LAST_ADMIN',
      message: 'The last active admin cannot be removed or demoted',
    });
  });

  it('maps zod errors to VALIDATION_ERROR with issue paths', () => {
    const result = z.object({ a: z.object({ b: z.number() }) }).safeParse({ a: { b: 'x' } });
    if (result.success) throw new Error('expected failure');
    const mapped = toAppError(result.error);
    expect(mapped.code).toBe('VALIDATION_ERROR');
    expect(mapped.details).toMatchObject({ issues: [{ path: '/a/b' }] });
  });

  it('maps Fastify client errors and hides unknown errors', () => {
    const tooLarge = Object.assign(new Error('too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(toAppError(tooLarge).code).toBe('PAYLOAD_TOO_LARGE');
    const media = Object.assign(new Error('Unsupported Media Type'), {
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      statusCode: 415,
    });
    expect(toAppError(media)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', statusCode: 415 });
    const unknownFramework = Object.assign(new Error('Something about the request'), {
      code: 'FST_ERR_SOMETHING_NEW',
      statusCode: 400,
    });
    expect(toAppError(unknownFramework)).toMatchObject({ code: 'BAD_REQUEST', statusCode: 400 });
    const unknown = toAppError(new Error('db password is hunter2'));
    expect(unknown.toBody()).toEqual({ code: 'INTERNAL', message: 'Internal error' });
  });

  it.each([
    ['FST_ERR_BAD_URL', 400, 'BAD_URL'],
    ['FST_ERR_INVALID_URL', 400, 'BAD_URL'],
    ['FST_ERR_MAX_PARAM_LENGTH', 414, 'URL_TOO_LONG'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'BAD_JSON_BODY'],
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'BAD_JSON_BODY'],
    ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'BAD_REQUEST'],
    // Fastify's own status for this one is 500; for us it is a request we cannot route.
    ['FST_ERR_ASYNC_CONSTRAINT', 400, 'BAD_REQUEST'],
  ])('maps the framework error %s to %i %s', (fastifyCode, status, code) => {
    const err = Object.assign(new Error(`from ${fastifyCode}`), {
      code: fastifyCode,
      statusCode: 500,
    });
    const mapped = toAppError(err);
    expect(mapped).toMatchObject({ code, statusCode: status });
    expect(JSON.stringify(mapped.toBody())).not.toContain('FST_');
  });
});
