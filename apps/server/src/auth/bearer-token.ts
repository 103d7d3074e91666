import { AppError } from '../http/app-error.js';

const WWW_AUTHENTICATE = 'Bearer realm="hdns"';

/**
 * Extracts the token from `Authorization: Bearer <token>`. Missing header or another scheme
 * answers UNAUTHORIZED; what the token itself is worth is for the verifier to say.
 */
export function bearerTokenFrom(header: string | undefined): string {
  const match = header === undefined ? null : /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw new AppError('UNAUTHORIZED', undefined, {
      headers: { 'www-authenticate': WWW_AUTHENTICATE },
    });
  }
  return match[1];
}

export function invalidTokenHeaders(): Record<string, string> {
  return { 'www-authenticate': `${WWW_AUTHENTICATE}, error="invalid_token"` };
}
