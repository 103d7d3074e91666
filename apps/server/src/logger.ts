import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream, LoggerOptions } from 'pino';
import type { AppConfig } from './config.js';

/**
 * Secrets never reach the logs. Headers that carry credentials, any field named like a secret
 * (one or two levels deep) and request bodies are censored; tokens in query strings (the legacy
 * WebSocket routes carry them there) are masked by the request serializer.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'req.body',
  'body',
  'password',
  'token',
  'accessToken',
  'refreshToken',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.jwtSecret',
  '*.adminPassword',
  '*.*.password',
  '*.*.token',
  '*.*.accessToken',
  '*.*.refreshToken',
];

const SECRET_QUERY_PARAMS = /([?&](?:token|access_token|accessToken|refresh_token|jwt)=)[^&#]*/gi;

/** `/ws/x/1?token=abc&y=2` → `/ws/x/1?token=[REDACTED]&y=2`. */
export function maskUrlSecrets(url: string): string {
  return url.replace(SECRET_QUERY_PARAMS, '$1[REDACTED]');
}

export function serializeRequest(req: FastifyRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: maskUrlSecrets(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export function serializeReply(reply: FastifyReply): Record<string, unknown> {
  return { statusCode: reply.statusCode };
}

export interface LoggerExtras {
  /** Where to write (tests capture output this way). Defaults to stdout. */
  stream?: DestinationStream;
}

/** Pino options for Fastify's `logger` setting. */
export function buildLoggerOptions(
  config: Pick<AppConfig, 'logLevel'>,
  overrides: LoggerOptions & LoggerExtras = {},
): LoggerOptions & LoggerExtras {
  return {
    level: config.logLevel,
    ...overrides,
    redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
    serializers: {
      ...overrides.serializers,
      req: serializeRequest,
      res: serializeReply,
    },
  };
}
