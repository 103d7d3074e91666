/** LeaderTransport: the hello resumes from the shared stream; frames are tapped with their context. */
import { describe, expect, it } from 'vitest';
import type { Transport, TransportHandlers } from '../transport.js';
import { arrayBufferFrames, LeaderTransport } from './leader-transport.js';
import type { StreamItem } from './messages.js';

function fakeBase() {
  const sent: string[] = [];
  let handlers: TransportHandlers | undefined;
  const base: Transport = {
    open: (_url, h) => {
      handlers = h;
      return { send: (t) => (sent.push(t), true), close: () => undefined };
    },
  };
  const receive = (frame: object) => handlers?.onMessage(JSON.stringify(frame));
  return { base, sent, receive };
}

const WELCOME = {
  type: 'welcome',
  id: 'hello',
  protocol: 1,
  sessionId: 's1',
  user: { id: 'u', username: 'u', role: 'admin', zones: null },
  subscriptions: ['zone_created'],
  rejected: [],
  heartbeatMs: 1000,
  position: { epoch: 'e', seq: 10 },
  resume: { requested: true, ok: true, replayed: 2 },
  tokenExpiresAt: new Date(0).toISOString(),
  limits: { maxFrameBytes: 1000, ratePerSec: 10, burst: 10 },
};

describe('LeaderTransport', () => {
  it('replaces the hello resume and taps welcome and batch frames', () => {
    const { base, sent, receive } = fakeBase();
    const items: StreamItem[] = [];
    const transport = new LeaderTransport(base, {
      resumeFrom: () => ({ epoch: 'e', seq: 8 }),
      item: (i) => items.push(i),
    });
    const seen: unknown[] = [];
    const conn = transport.open('ws://x', {
      onOpen: () => undefined,
      onMessage: (d) => seen.push(d),
      onClose: () => undefined,
    });
    conn.send(JSON.stringify({ type: 'hello', id: 'hello', resume: { epoch: 'e', seq: 99 } }));
    conn.send('{"type":"pong","ts":1}');
    expect(JSON.parse(sent[0]!)).toEqual({
      type: 'hello',
      id: 'hello',
      resume: { epoch: 'e', seq: 8 },
    });
    expect(sent[1]).toBe('{"type":"pong","ts":1}');

    receive(WELCOME);
    receive({ type: 'batch', through: 12, events: [] }); // invalid (empty): not tapped
    expect(items).toEqual([
      expect.objectContaining({ kind: 'welcome', requested: { epoch: 'e', seq: 8 } }),
    ]);
    expect(seen).toHaveLength(2); // the client still gets everything
  });

  it('drops the hello resume when the stream has no position', () => {
    const { base, sent } = fakeBase();
    const transport = new LeaderTransport(base, {
      resumeFrom: () => undefined,
      item: () => undefined,
    });
    const conn = transport.open('ws://x', { onOpen() {}, onMessage() {}, onClose() {} });
    conn.send(JSON.stringify({ type: 'hello', resume: { epoch: 'e', seq: 3 } }));
    expect(JSON.parse(sent[0]!)).toEqual({ type: 'hello' });
  });

  it('asks browser sockets for ArrayBuffer frames', () => {
    class Sock {
      binaryType = 'blob';
      readyState = 0;
      onopen = null;
      onmessage = null;
      onclose = null;
      onerror = null;
      constructor(readonly url: string) {}
      send() {}
      close() {}
    }
    const Wrapped = arrayBufferFrames(Sock);
    const s = new Wrapped('ws://x') as unknown as Sock;
    expect(s).toBeInstanceOf(Sock);
    expect(s.binaryType).toBe('arraybuffer');
  });
});
