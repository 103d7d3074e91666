import { ERROR_CODES, ERRORS, type ErrorCode } from '@hdns/protocol';
import { z } from 'zod';

/** The body of every REST error, registered once so OpenAPI shows it as a shared component. */
export const errorBodySchema = z
  .object({
    code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.unknown().optional(),
  })
  .meta({
    id: 'ErrorBody',
    description: 'Every REST error. Switch on `code` (stable); `message` is for humans.',
  });

interface ErrorResponse {
  description: string;
  content: { 'application/json': { schema: typeof errorBodySchema } };
}

/**
 * Response schemas for the error codes a route may answer with, grouped by HTTP status, for
 * route `schema.response`. The description lists the codes so the docs say which to expect.
 * VALIDATION_ERROR, INTERNAL, STORAGE_FULL and DATABASE_UNAVAILABLE (any request may write:
 * audit, tokens, DNS data) are always listed.
 */
export function errorResponses(...codes: ErrorCode[]): Record<number, ErrorResponse> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [
    ...codes,
    'VALIDATION_ERROR',
    'INTERNAL',
    'STORAGE_FULL',
    'DATABASE_UNAVAILABLE',
  ] as ErrorCode[]) {
    const status = ERRORS[code].status;
    const list = byStatus.get(status) ?? [];
    if (!list.includes(code)) list.push(code);
    byStatus.set(status, list);
  }
  const responses: Record<number, ErrorResponse> = {};
  for (const [status, list] of byStatus) {
    responses[status] = {
      description: `Error body with code ${list.join(' or ')}`,
      content: { 'application/json': { schema: errorBodySchema } },
    };
  }
  return responses;
}
