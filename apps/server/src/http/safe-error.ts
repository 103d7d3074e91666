import { maskUrlSecrets } from '../logger.js';

/** What the ingress guards log about an error: no request bytes, no URL inputs, no tokens. */
export interface SafeError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

const MAX_MESSAGE = 300;

function mask(text: string): string {
  // Messages of URL and parser errors may quote the input; a legacy URL carries its token.
  return maskUrlSecrets(text).replace(/\b(bearer\s+)\S+/gi, '$1[REDACTED]');
}

/**
 * Reduces anything thrown to name, message, code and stack, with secrets in query strings and
 * bearer values masked. Never use pino's `err` serializer on ingress errors: Node's HTTP parser
 * errors carry `rawPacket` (the request bytes, headers and all) and URL errors carry `input`.
 */
export function safeError(err: unknown): SafeError {
  if (!(err instanceof Error)) {
    return { name: 'NonError', message: mask(String(err)).slice(0, MAX_MESSAGE) };
  }
  const code = (err as { code?: unknown }).code;
  return {
    name: err.name,
    message: mask(err.message).slice(0, MAX_MESSAGE),
    ...(typeof code === 'string' ? { code } : {}),
    ...(err.stack !== undefined ? { stack: mask(err.stack) } : {}),
  };
}
