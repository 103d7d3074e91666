/**
 * A scriptable stand-in for the browser WebSocket API, for unit tests of the client's
 * lifecycle with fake timers. Integration tests use the real `ws` package against a real hub.
 */
import type { ServerFrame } from '@hdns/protocol';
import type { WebSocketLike } from '../../src/transport.js';

type Handler<E> = ((event: E) => void) | null;

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: Handler<unknown> = null;
  onmessage: Handler<{ data: unknown }> = null;
  onclose: Handler<{ code: number; reason: string }> = null;
  onerror: Handler<unknown> = null;
  readonly sent: Record<string, unknown>[] = [];
  closedByClient: { code: number | undefined; reason: string | undefined } | undefined;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code?: number, reason?: string): void {
    this.readyState = 3;
    this.closedByClient = { code, reason };
  }

  // ---- test controls -------------------------------------------------------------------------

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(frame: ServerFrame | object): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** The frames the client sent, by type. */
  sentOf(type: string): Record<string, unknown>[] {
    return this.sent.filter((f) => f.type === type);
  }
}

/** A WebSocket constructor whose instances are recorded in `sockets`. */
export function fakeWebSocket() {
  const sockets: FakeSocket[] = [];
  class WS extends FakeSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  return { WebSocket: WS, sockets, last: (): FakeSocket | undefined => sockets.at(-1) };
}

export function welcomeFrame(
  overrides: {
    epoch?: string;
    seq?: number;
    resume?: { requested: boolean; ok: boolean; replayed?: number; reason?: string };
    heartbeatMs?: number;
    tokenExpiresAt?: string;
    subscriptions?: string[];
  } = {},
): object {
  return {
    type: 'welcome',
    id: 'hello',
    protocol: 1,
    sessionId: 'ses_1',
    user: { id: 'u1', username: 'alice', role: 'admin', zones: null },
    subscriptions: overrides.subscriptions ?? ['zone_created'],
    rejected: [],
    heartbeatMs: overrides.heartbeatMs ?? 1_000,
    position: { epoch: overrides.epoch ?? 'e1', seq: overrides.seq ?? 0 },
    resume: {
      replayed: 0,
      ...(overrides.resume ?? { requested: false, ok: false, reason: 'not_requested' }),
    },
    tokenExpiresAt: overrides.tokenExpiresAt ?? new Date(Date.now() + 3_600_000).toISOString(),
    limits: { maxFrameBytes: 65_536, ratePerSec: 20, burst: 50 },
  };
}
