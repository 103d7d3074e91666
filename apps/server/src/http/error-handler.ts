import type { ErrorBody } from '@hdns/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { AppError, isAppError } from './app-error.js';

interface ValidationIssue {
  path: string;
  message: string;
  keyword?: string;
}

interface FastifyValidationEntry {
  instancePath?: string;
  message?: string;
  keyword?: string;
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

function zodIssues(err: z.ZodError): ValidationIssue[] {
  return err.issues.map((issue) => ({
    path: `/${issue.path.map(String).join('/')}`,
    message: issue.message,
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
      message: v.message ?? 'invalid',
      ...(v.keyword ? { keyword: v.keyword } : {}),
    }));
    return new AppError('VALIDATION_ERROR', { in: err.validationContext ?? 'request', issues });
  }
  if (err instanceof z.ZodError) {
    return new AppError('VALIDATION_ERROR', { issues: zodIssues(err) });
  }
  const code = fastifyCode(err);
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('PAYLOAD_TOO_LARGE');
  const status = statusOf(err);
  if (code?.startsWith('FST_') && status !== undefined && status >= 400 && status < 500) {
    // Fastify's own client errors: bad JSON, unsupported media type, empty body and the like.
    // Their messages describe the request, never server internals.
    if (status === 404) return new AppError('NOT_FOUND');
    if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
    if (status === 429) return new AppError('RATE_LIMITED');
    return new AppError('VALIDATION_ERROR', { reason: err.message });
  }
  return new AppError('INTERNAL', undefined, { cause: err });
}

function send(reply: FastifyReply, error: AppError): FastifyReply {
  const body: ErrorBody = error.toBody();
  return reply.code(error.statusCode).headers(error.headers).send(body);
}

function errorHandlerPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler<Error>((err, request: FastifyRequest, reply) => {
    const error = toAppError(err);
    if (error.code === 'INTERNAL') {
      request.log.error({ err }, 'unhandled error');
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
