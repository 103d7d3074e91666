import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { PassThrough } from 'node:stream';
import { AppError } from '../http/app-error.js';
import { guardedLookup, refusedLiteral } from '../http/target-guard.js';

/**
 * Downloads a blocklist: conditional (If-None-Match / If-Modified-Since, so an unchanged list
 * costs a 304), bounded in size and time, redirects followed (at most 5, each target checked
 * again). Unless `allowPrivate`, it refuses to connect to private, loopback, link-local and
 * other non-public addresses, checked on the address actually connected to (a lookup hook),
 * so a name resolving to 127.0.0.1 is refused as well as a literal one.
 */

export interface FetchRequest {
  url: string;
  etag: string | null;
  lastModified: string | null;
  maxBytes: number;
  timeoutMs: number;
  allowPrivate: boolean;
}

export type FetchResult =
  | { status: 'not_modified' }
  | {
      status: 'ok';
      /** The body (bounded: an oversized body errors the stream). */
      body: NodeJS.ReadableStream;
      etag: string | null;
      lastModified: string | null;
      /** From Content-Length, when sent. */
      size: number | null;
      /** Bytes read so far. */
      received: () => number;
    };

/** Why a download failed, in words for the feed's lastError. */
export class FeedFetchError extends Error {}

/** The URL's host when it is an address literal (or localhost) the settings refuse, else null. */
export function refusedLiteralHost(url: string, allowPrivate: boolean): string | null {
  return allowPrivate ? null : refusedLiteral(new URL(url));
}

/** The connect-time check: FEED_URL_REFUSED naming the host and the address it resolved to. */
const refusingLookup = (): LookupFunction =>
  guardedLookup((host, address) => new AppError('FEED_URL_REFUSED', { host, address }));

const MAX_REDIRECTS = 5;

export async function fetchFeed(req: FetchRequest): Promise<FetchResult> {
  const deadline = Date.now() + req.timeoutMs;
  let url = req.url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const refused = refusedLiteralHost(url, req.allowPrivate);
    if (refused) throw new AppError('FEED_URL_REFUSED', { host: refused });
    const res = await get(url, req, deadline);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && status !== 304 && res.headers.location) {
      res.resume();
      url = new URL(res.headers.location, url).toString();
      continue;
    }
    if (status === 304) {
      res.resume();
      return { status: 'not_modified' };
    }
    if (status !== 200) {
      res.resume();
      throw new FeedFetchError(`HTTP ${status} from ${new URL(url).host}`);
    }
    return bounded(res, req, deadline);
  }
  throw new FeedFetchError(`more than ${MAX_REDIRECTS} redirects`);
}

function get(url: string, req: FetchRequest, deadline: number): Promise<IncomingMessage> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = { 'user-agent': 'hybrid-dns-server feeds' };
  if (req.etag) headers['if-none-match'] = req.etag;
  if (req.lastModified) headers['if-modified-since'] = req.lastModified;
  return new Promise((resolve, reject) => {
    const request = client.get(
      target,
      {
        headers,
        ...(req.allowPrivate ? {} : { lookup: refusingLookup() }),
        timeout: Math.max(1, deadline - Date.now()),
      },
      resolve,
    );
    request.on('timeout', () => request.destroy(new FeedFetchError('download timed out')));
    request.on('error', (err) => {
      reject(err instanceof AppError || err instanceof FeedFetchError ? err : wrap(err));
    });
  });
}

function wrap(err: Error): FeedFetchError {
  const code = (err as NodeJS.ErrnoException).code;
  return new FeedFetchError(code ? `${code}: ${err.message}` : err.message);
}

function bounded(res: IncomingMessage, req: FetchRequest, deadline: number): FetchResult {
  const size = Number(res.headers['content-length']);
  if (Number.isFinite(size) && size > req.maxBytes) {
    res.destroy();
    throw new FeedFetchError(`the list is ${size} bytes; at most ${req.maxBytes} are allowed`);
  }
  let received = 0;
  const body = new PassThrough();
  const timer = setTimeout(
    () => {
      fail(new FeedFetchError('download timed out'));
      res.destroy();
    },
    Math.max(1, deadline - Date.now()),
  );
  res.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > req.maxBytes && !body.destroyed) {
      // The body's error first: destroying the response reports an early close otherwise.
      body.destroy(new FeedFetchError(`the list exceeds ${req.maxBytes} bytes`));
      res.destroy();
    }
  });
  const fail = (err: Error): void => {
    if (!body.destroyed) body.destroy(err);
  };
  res.on('error', (err) => fail(wrap(err)));
  res.on('aborted', () => fail(new FeedFetchError('the server closed the download early')));
  res.on('close', () => clearTimeout(timer));
  body.on('close', () => clearTimeout(timer));
  res.pipe(body);
  return {
    status: 'ok',
    body,
    etag: typeof res.headers.etag === 'string' ? res.headers.etag : null,
    lastModified:
      typeof res.headers['last-modified'] === 'string' ? res.headers['last-modified'] : null,
    size: Number.isFinite(size) ? size : null,
    received: () => received,
  };
}
