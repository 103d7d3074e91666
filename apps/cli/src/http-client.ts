/**
 * JSON over HTTP to the server's REST API, with network failures turned into one readable line
 * ("cannot reach http://…: connection refused") instead of fetch's bare "fetch failed".
 *
 * Contract: `httpRequest` resolves for every HTTP answer (any status) and rejects only with a
 * CliError when no answer came (refused, DNS failure, timeout, TLS …). `apiError` reads the
 * server's `{code, message}` error body when there is one.
 */
import { CliError, usageError } from './cli-error.js';

export const REQUEST_TIMEOUT_MS = 15_000;

export interface HttpInit {
  method?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  cookie?: string;
  /** Serialised as JSON. */
  body?: unknown;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  /** Parsed JSON, the text when it is not JSON, undefined when empty. */
  body: unknown;
}

/** `http(s)://host[:port][/prefix]` without a trailing slash; a usage error otherwise. */
export function normalizeBaseUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw usageError(`invalid URL "${input}" (expected e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`invalid URL "${input}": use http:// or https://`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export async function httpRequest(
  baseUrl: string,
  path: string,
  init: HttpInit = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (init.cookie !== undefined) headers.cookie = init.cookie;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    throw new CliError(`cannot reach ${baseUrl}: ${describeNetworkError(err)}`);
  }
  const text = await response.text();
  let body: unknown = undefined;
  if (text.length > 0) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = text;
    }
  }
  return { status: response.status, headers: response.headers, body };
}

/** The `{code, message}` of a REST error body, or undefined when the body is something else. */
export function apiError(result: HttpResult): { code: string; message: string } | undefined {
  const b = result.body;
  if (typeof b !== 'object' || b === null) return undefined;
  const { code, message } = b as { code?: unknown; message?: unknown };
  return typeof code === 'string' && typeof message === 'string' ? { code, message } : undefined;
}

/** "HTTP 500 INTERNAL: Internal error", or "HTTP 404" for a foreign answer. */
export function describeFailure(result: HttpResult): string {
  const err = apiError(result);
  return err ? `HTTP ${result.status} ${err.code}: ${err.message}` : `HTTP ${result.status}`;
}

const NETWORK_MESSAGES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found (DNS lookup failed)',
  EAI_AGAIN: 'host not found (DNS lookup failed)',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  ECONNRESET: 'connection reset by the server',
  UND_ERR_SOCKET: 'connection closed by the server',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPROTO: 'TLS handshake failed (is it http, not https?)',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed (is it http, not https?)',
};

/** A short reason for a failed fetch, from the error code buried in its cause chain. */
export function describeNetworkError(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') {
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  }
  const code = findCode(err);
  if (code !== undefined) return NETWORK_MESSAGES[code] ?? code.toLowerCase();
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

function findCode(err: unknown, depth = 0): string | undefined {
  if (depth > 4 || typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && e.code !== 'UND_ERR') return e.code;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const code = findCode(inner, depth + 1);
      if (code !== undefined) return code;
    }
  }
  return findCode(e.cause, depth + 1);
}
