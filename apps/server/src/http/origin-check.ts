import type { FastifyRequest } from 'fastify';
import { AppError } from './app-error.js';

/**
 * Defence in depth for cookie-authenticated endpoints (besides SameSite=Strict): a browser
 * request carrying an Origin must come from the server's own origin or an allowed one.
 * Requests without Origin (non-browser clients) pass: they cannot be cross-site forgeries.
 */
export function assertAllowedOrigin(
  request: FastifyRequest,
  allowedOrigins: readonly string[],
): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const own = `${request.protocol}://${request.host}`;
  if (origin === own || allowedOrigins.includes(origin)) return;
  throw new AppError('ORIGIN_REFUSED');
}
