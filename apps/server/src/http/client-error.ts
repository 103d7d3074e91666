import type { Socket } from 'node:net';
import { ERRORS, type ErrorCode } from '@hdns/protocol';
import type { FastifyBaseLogger } from 'fastify';

/** Node's HTTP parser errors carry a code (`HPE_*`, `ERR_HTTP_*`) and the raw request bytes. */
type ParserError = Error & { code?: string };

function codeFor(parserCode: string | undefined): ErrorCode {
  if (parserCode === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  if (parserCode === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  return 'BAD_REQUEST';
}

function responseFor(code: ErrorCode): string {
  const { status } = ERRORS[code];
  const body = JSON.stringify({ code, message: ERRORS[code].message });
  const reason =
    status === 408 ? 'Request Timeout' : status === 431 ? 'Header Fields Too Large' : 'Bad Request';
  return (
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** Whether a response on this socket has already started (keep-alive, pipelining). */
function responseStarted(socket: Socket): boolean {
  const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })
    ._httpMessage;
  return current?.headersSent === true;
}

/**
 * Fastify's `clientErrorHandler` (called with `this` = the Fastify instance): a request Node's
 * HTTP parser refuses (malformed request line or headers, headers too large, request timeout)
 * gets a catalogue error body and one log line, then the socket is closed. The log line names
 * the parser code only: the error's `rawPacket` holds the request bytes, which may carry a token
 * or a password.
 *
 * Contract: never throws (it runs from the server's socket 'error' path, where a throw would be
 * uncaught).
 */
export function clientErrorHandler(
  this: { log: FastifyBaseLogger },
  err: ParserError,
  socket: Socket,
): void {
  try {
    // A reset peer has nobody left to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const code = codeFor(err.code);
    this.log.info(
      { code, parserCode: err.code ?? null, remoteAddress: socket.remoteAddress ?? null },
      'malformed HTTP request refused',
    );
    if (socket.writable && !responseStarted(socket)) {
      socket.once('finish', () => socket.destroy());
      socket.end(responseFor(code));
    } else {
      socket.destroy();
    }
  } catch {
    socket.destroy();
  }
}
