import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server serving blocklist files for the feed tests (no outside network): each
 * path has a body and validators (ETag and/or Last-Modified) or a forced status, answers 304
 * to a matching conditional request, and records what it was asked.
 */

export interface ListFile {
  body: string | Buffer;
  /** Send an ETag (derived from the body). Default true. */
  etag?: boolean;
  /** Send this Last-Modified date. */
  lastModified?: string;
  /** Answer with this status instead (e.g. 500). */
  status?: number;
}

export interface ListRequest {
  path: string;
  ifNoneMatch: string | null;
  ifModifiedSince: string | null;
  status: number;
}

export interface ListServer {
  url(path: string): string;
  set(path: string, file: ListFile): void;
  requests: ListRequest[];
  close(): Promise<void>;
}

export async function startListServer(): Promise<ListServer> {
  const files = new Map<string, ListFile>();
  const requests: ListRequest[] = [];
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = files.get(path);
    const ifNoneMatch = req.headers['if-none-match'] ?? null;
    const ifModifiedSince = req.headers['if-modified-since'] ?? null;
    const answer = (
      status: number,
      headers: Record<string, string> = {},
      body?: string | Buffer,
    ) => {
      requests.push({ path, ifNoneMatch, ifModifiedSince, status });
      res.writeHead(status, headers);
      res.end(body);
    };
    if (!file) return answer(404);
    if (file.status !== undefined) return answer(file.status, {}, 'failure');
    const etag = `"${createHash('sha256').update(file.body).digest('hex').slice(0, 16)}"`;
    const headers: Record<string, string> = { 'content-type': 'text/plain' };
    if (file.etag !== false) headers.etag = etag;
    if (file.lastModified) headers['last-modified'] = file.lastModified;
    if (file.etag !== false && ifNoneMatch === etag) return answer(304, headers);
    if (
      file.etag === false &&
      file.lastModified &&
      ifModifiedSince &&
      Date.parse(ifModifiedSince) >= Date.parse(file.lastModified)
    )
      return answer(304, headers);
    headers['content-length'] = String(Buffer.byteLength(file.body));
    return answer(200, headers, file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    set: (path, file) => files.set(path, file),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
