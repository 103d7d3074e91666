import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchFeed, refusedLiteralHost } from './feed-fetcher.js';

let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/big') {
      res.writeHead(200);
      res.end('x'.repeat(4096));
      return;
    }
    res.writeHead(200, { etag: '"v1"' });
    res.end('a.example\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const base = { etag: null, lastModified: null, maxBytes: 1024, timeoutMs: 5000 };

describe('fetchFeed', () => {
  it('refuses loopback and private addresses unless allowed', async () => {
    expect(refusedLiteralHost('http://localhost/x', false)).toBe('localhost');
    expect(refusedLiteralHost('http://[::1]/x', false)).toBe('::1');
    await expect(
      fetchFeed({ ...base, url: `http://127.0.0.1:${port}/`, allowPrivate: false }),
    ).rejects.toMatchObject({ code: 'FEED_URL_REFUSED' });
    const ok = await fetchFeed({ ...base, url: `http://127.0.0.1:${port}/`, allowPrivate: true });
    expect(ok).toMatchObject({ status: 'ok', etag: '"v1"' });
  });

  it('stops a body over the size limit', async () => {
    // Sent chunked (no Content-Length): the limit cuts the stream while it is read.
    const got = await fetchFeed({
      ...base,
      url: `http://127.0.0.1:${port}/big`,
      allowPrivate: true,
    });
    if (got.status !== 'ok') throw new Error('expected a body');
    const read = async () => {
      for await (const chunk of got.body) void chunk;
    };
    await expect(read()).rejects.toThrow(/exceeds 1024 bytes/);
  });
});
