import type { ErrorBody, ErrorCode } from '@hdns/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { AppError, isAppError } from './app-error.js';
import { safeError } from './safe-error.js';
import { isDatabaseUnavailable } from '../lib/database-unavailable.js';
import { isStorageFull } from '../lib/storage-full.js';
import { plainIssueMessage } from './plain-issue.js';

interface ValidationIssue {
  path: string;
  message: string;
  keyword?: string;
}

interface FastifyValidationEntry {
  instancePath?: string;
  message?: string;
  keyword?: string;
  /** The issue's own fields (fastify-type-provider-zod: maximum, origin, expected …). */
  params?: Record<string, unknown>;
}

function hasFastifyValidation(
  err: Error,
): err is Error & { validation: FastifyValidationEntry[]; validationContext?: string } {
  return Array.isArray((err as { validation?: unknown }).validation);
}

function fastifyCode(err: Error): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function statusOf(err: Error): number | undefined {
  const status = (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Fastify's errors about a malformed request, each with its stable catalogue code. The
 * framework's own codes (`FST_ERR_*`) never reach a client: they are not part of our contract.
 * FST_ERR_ASYNC_CONSTRAINT means a route constraint could not be derived from the request.
 */
const FRAMEWORK_ERRORS: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_JSON_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_JSON_BODY',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_BAD_URL: 'BAD_URL',
  FST_ERR_INVALID_URL: 'BAD_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URL_TOO_LONG',
  FST_ERR_ASYNC_CONSTRAINT: 'BAD_REQUEST',
};

function zodIssues(err: z.ZodError): ValidationIssue[] {
  return err.issues.map((issue) => ({
    path: `/${issue.path.map(String).join('/')}`,
    message: plainIssueMessage(
      issue.code,
      issue as unknown as Record<string, unknown>,
      issue.message,
    ),
    keyword: issue.code,
  }));
}

/**
 * Maps anything thrown in a request to the catalogue's error body. Expected errors are logged
 * at info without request bodies; unknown ones at error with the stack, which never reaches the
 * client.
 */
export function toAppError(err: Error): AppError {
  if (isAppError(err)) return err;
  if (hasFastifyValidation(err)) {
    const issues: ValidationIssue[] = err.validation.map((v) => ({
      path: v.instancePath || '/',
      message: plainIssueMessage(v.keyword, v.params ?? {}, v.message ?? 'invalid'),
      ...(v.keyword ? { keyword: v.keyword } : {}),
    }));
    return new AppError('VALIDATION_ERROR', { in: err.validationContext ?? 'request', issues });
  }
  if (err instanceof z.ZodError) {
    return new AppError('VALIDATION_ERROR', { issues: zodIssues(err) });
  }
  const code = fastifyCode(err);
  const known = code === undefined ? undefined : FRAMEWORK_ERRORS[code];
  if (known) return new AppError(known);
  const status = statusOf(err);
  if (code?.startsWith('FST_') && status !== undefined && status >= 400 && status < 500) {
    // Other Fastify client errors. Their messages describe the request, never server internals.
    if (status === 404) return new AppError('NOT_FOUND');
    if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
    if (status === 429) return new AppError('RATE_LIMITED');
    return new AppError('BAD_REQUEST', { reason: err.message });
  }
  if (isStorageFull(err)) return new AppError('STORAGE_FULL', undefined, { cause: err });
  if (isDatabaseUnavailable(err)) {
    return new AppError('DATABASE_UNAVAILABLE', undefined, { cause: err });
  }
  return new AppError('INTERNAL', undefined, { cause: err });
}

function send(reply: FastifyReply, error: AppError): FastifyReply {
  const body: ErrorBody = error.toBody();
  return reply.code(error.statusCode).headers(error.headers).send(body);
}

/**
 * Fastify's `frameworkErrors` option: errors the router raises before any route or hook runs
 * (a malformed path such as `/api/zones/%ZZ`, an over-long parameter). Without it Fastify
 * answers these itself with `FST_ERR_*` codes outside our catalogue.
 */
export function frameworkErrors(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const mapped = toAppError(error);
  request.log.info({ code: mapped.code, status: mapped.statusCode }, 'request refused');
  void send(reply, mapped);
}

function errorHandlerPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler<Error>((err, request: FastifyRequest, reply) => {
    const error = toAppError(err);
    if (error.code === 'INTERNAL') {
      request.log.error({ err }, 'unhandled error');
    } else if (error.code === 'STORAGE_FULL') {
      request.log.error({ err }, 'data directory is full');
    } else if (error.code === 'DATABASE_UNAVAILABLE') {
      request.log.error({ error: safeError(err) }, 'database unavailable');
    } else {
      request.log.info({ code: error.code, status: error.statusCode }, 'request failed');
    }
    return send(reply, error);
  });

  app.setNotFoundHandler((_request, reply) => send(reply, new AppError('NOT_FOUND')));
  return Promise.resolve();
}

/** Registered with fastify-plugin so the handlers apply to the root and every child context. */
export const errorHandler = fp(errorHandlerPlugin, { name: 'hdns-error-handler' });
