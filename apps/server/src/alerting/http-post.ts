import http from 'node:http';
import https from 'node:https';
import { guardedLookup, refusedLiteral, TargetRefusedError } from '../http/target-guard.js';

export interface PostOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** Aborts the request (server shutdown). */
  signal?: AbortSignal;
}

export interface PostResult {
  statusCode: number;
}

/** A failed attempt; `statusCode` when the receiver answered (non-2xx). */
export class PostError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null = null,
  ) {
    super(message);
    this.name = 'PostError';
  }
}

/** Bytes of a receiver's answer read at most (it is drained, not kept). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs one body and resolves with the receiver's status when it is 2xx; rejects with a
 * PostError otherwise (non-2xx, refused target, timeout over the whole exchange, a socket
 * closed early). No redirects are followed: a receiver that moves must be reconfigured, and a
 * redirect could lead the request to a refused address.
 */
export function postBody(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: PostOptions,
): Promise<PostResult> {
  const target = new URL(url);
  if (!opts.allowPrivate) {
    const literal = refusedLiteral(target);
    if (literal) return Promise.reject(new PostError(new TargetRefusedError(literal).message));
  }
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve, reject) => {
    let settled = false;
    const finish = (err: PostError | null, result?: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else if (result) resolve(result);
    };
    const request = client.request(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      ...(opts.allowPrivate ? {} : { lookup: guardedLookup() }),
      agent: false,
    });
    const timer = setTimeout(() => {
      request.destroy();
      finish(new PostError(`no answer within ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    const onAbort = () => {
      request.destroy();
      finish(new PostError('aborted: server shutting down'));
    };
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort);
    request.on('error', (err: NodeJS.ErrnoException) => {
      const what =
        err instanceof TargetRefusedError ? err.message : `${err.code ?? err.name}: ${err.message}`;
      finish(new PostError(what));
    });
    request.on('response', (res) => {
      const status = res.statusCode ?? 0;
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy();
      });
      res.on('error', () => finish(new PostError(`answer ${status} cut short`, status)));
      res.on('close', () => {
        if (status >= 200 && status < 300) finish(null, { statusCode: status });
        else finish(new PostError(`HTTP ${status}`, status));
      });
    });
    request.end(body);
  });
}
