import { createHmac, timingSafeEqual } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A real HTTP receiver for alert deliveries on 127.0.0.1. Each path answers by its mode:
 * `ok` 200, `fail` 500, `hang` never answers, `reset` destroys the socket before answering,
 * `stall-once` hangs the first request of each Idempotency-Key and answers 200 afterwards,
 * `fail-twice` answers 500 to the first two requests of a key, then 200. It verifies webhook
 * signatures with the secret it is given, as a real receiver would.
 */

export type ReceiverMode = 'ok' | 'fail' | 'hang' | 'reset' | 'stall-once' | 'fail-twice';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status answered; null when the receiver never answered or cut the socket. */
  answered: number | null;
  /** The X-Hdns-Signature checked against the secret: true, false, or null (no secret). */
  signatureValid: boolean | null;
}

export interface AlertReceiver {
  url: string;
  requests: ReceivedRequest[];
  setMode(path: string, mode: ReceiverMode): void;
  /** Idempotency keys answered 2xx, with how many times each was. */
  successes(path: string): Map<string, number>;
  close(): Promise<void>;
}

export async function startAlertReceiver(secret: string | null): Promise<AlertReceiver> {
  const modes = new Map<string, ReceiverMode>();
  const requests: ReceivedRequest[] = [];
  const seenKeys = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const key = String(req.headers['idempotency-key'] ?? '');
      const count = (seenKeys.get(key) ?? 0) + 1;
      seenKeys.set(key, count);
      const entry: ReceivedRequest = {
        path,
        headers: req.headers,
        body,
        answered: null,
        signatureValid: verify(secret, req.headers, body),
      };
      requests.push(entry);
      const mode = modes.get(path) ?? 'ok';
      const answer = (status: number) => {
        entry.answered = status;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
      };
      if (mode === 'ok') answer(200);
      else if (mode === 'fail') answer(500);
      else if (mode === 'reset') req.socket.destroy();
      else if (mode === 'stall-once') {
        if (count > 1) answer(200);
      } else if (mode === 'fail-twice') answer(count > 2 ? 200 : 500);
      // 'hang': never answers; the sender's timeout (or its shutdown) ends the exchange.
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setMode: (path, mode) => modes.set(path, mode),
    successes(path) {
      const out = new Map<string, number>();
      for (const r of requests) {
        if (r.path !== path || r.answered === null || r.answered >= 300) continue;
        const key = String(r.headers['idempotency-key']);
        out.set(key, (out.get(key) ?? 0) + 1);
      }
      return out;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}

function verify(secret: string | null, headers: IncomingHttpHeaders, body: string): boolean | null {
  if (secret === null) return null;
  const ts = headers['x-hdns-timestamp'];
  const sig = headers['x-hdns-signature'];
  if (typeof ts !== 'string' || typeof sig !== 'string') return false;
  const expected = `sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
  return sig.length === expected.length && timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
}
