import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBody } from './http-post.js';

describe('postBody', () => {
  let server: http.Server;
  let port = 0;
  let hits = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits += 1;
      req.resume();
      res.writeHead(req.url === '/fail' ? 503 : 204).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const opts = { timeoutMs: 5000, allowPrivate: true };

  it('resolves with a 2xx status and rejects others with theirs', async () => {
    await expect(postBody(`http://127.0.0.1:${port}/ok`, '{}', {}, opts)).resolves.toEqual({
      statusCode: 204,
    });
    await expect(postBody(`http://127.0.0.1:${port}/fail`, '{}', {}, opts)).rejects.toMatchObject({
      statusCode: 503,
    });
  });

  it('refuses loopback, by literal and by name, without connecting', async () => {
    const before = hits;
    const guarded = { ...opts, allowPrivate: false };
    await expect(postBody(`http://127.0.0.1:${port}/`, '{}', {}, guarded)).rejects.toThrow(
      /not public/,
    );
    await expect(postBody(`http://localhost:${port}/`, '{}', {}, guarded)).rejects.toThrow(
      /not public/,
    );
    expect(hits).toBe(before);
  });

  it('stops at once when aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(
      postBody(`http://127.0.0.1:${port}/`, '{}', {}, { ...opts, signal: abort.signal }),
    ).rejects.toThrow(/aborted/);
  });
});
