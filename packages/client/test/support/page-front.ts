/**
 * One origin for a test page and the real server process: serves `pages` itself and passes
 * every other request (HTTP and WebSocket upgrades) through to `target`, so the page reaches
 * /api and /ws same-origin (no CORS) without this package importing the server's code.
 */
import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

export interface PageFront {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/** Pages by path, e.g. `{ '/tabs-test/': { type: 'text/html', body } }`. */
export type Pages = Record<string, { type: string; body: string }>;

function rawHead(method: string, url: string, headers: IncomingHttpHeaders): string {
  const lines = [`${method} ${url} HTTP/1.1`];
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value])
      if (v !== undefined) lines.push(`${name}: ${v}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export async function startPageFront(target: string, pages: Pages): Promise<PageFront> {
  const { hostname, port } = new URL(target);
  const server = createServer((req, res) => {
    const page = pages[req.url ?? ''];
    if (page) {
      res.writeHead(200, { 'content-type': page.type }).end(page.body);
      return;
    }
    const upstream = request(
      { host: hostname, port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (req, socket, head) => {
    const upstream = connect(Number(port), hostname, () => {
      upstream.write(rawHead(req.method ?? 'GET', req.url ?? '/', req.headers));
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
