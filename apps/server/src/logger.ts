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
  'secret',
  '*.secret',
  '*.*.secret',
  '*.*.password',
  '*.*.token',
  '*.*.accessToken',
  '*.*.refreshToken',
];

/** Query parameter names whose values are secrets, compared decoded and lower-cased. */
const SECRET_QUERY_NAMES: ReadonlySet<string> = new Set([
  'token',
  'access_token',
  'accesstoken',
  'refresh_token',
  'jwt',
]);

/**
 * `?name=` or `&name=` (the name never spans white space: error messages quote URLs in prose).
 * Only the name is matched: a value that is not masked is still searched (`?next=/ws?token=x`
 * masks the inner token), and no value is scanned twice, so the cost stays linear.
 */
const QUERY_PAIR = /[?&]([^=&#?\s]*)=/g;

const VALUE = /[^&#]*/y;

/** The end of the value starting at `from`: the next `&` or `#`, or the end of the text. */
function valueEnd(text: string, from: number): number {
  VALUE.lastIndex = from;
  VALUE.exec(text);
  return VALUE.lastIndex;
}

/**
 * The parameter name as the server's own query parsing reads it: `routeUpgrade` takes the legacy
 * token with URLSearchParams, which decodes `%74oken` and `+` and leaves malformed `%` escapes
 * literal, never throwing. Judging the decoded name means no spelling of a name the server
 * accepts as `token` can slip past the mask.
 */
function decodedName(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw.toLowerCase();
  const [first] = new URLSearchParams(`${raw}=`).keys();
  return (first ?? raw).toLowerCase();
}

/**
 * `/ws/x/1?token=abc&y=2` → `/ws/x/1?token=[REDACTED]&y=2`; also `?%74oken=` and `?TOKEN=`, with
 * the name kept as written. Works on free text too (error messages that quote a URL).
 */
export function maskUrlSecrets(url: string): string {
  let out = '';
  let copied = 0;
  for (const m of url.matchAll(QUERY_PAIR)) {
    const [head, name = ''] = m;
    const valueAt = m.index + head.length;
    // A match inside a value already masked is part of that secret.
    if (valueAt <= copied || !SECRET_QUERY_NAMES.has(decodedName(name))) continue;
    out += `${url.slice(copied, valueAt)}[REDACTED]`;
    copied = valueEnd(url, valueAt);
  }
  return out + url.slice(copied);
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
