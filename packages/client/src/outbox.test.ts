import type { SubscribedFrame } from '@hdns/protocol';
import { describe, expect, it } from 'vitest';
import { RealtimeError } from './errors.js';
import { Outbox } from './outbox.js';
import { recordingLogger } from '../test/support/recording-logger.js';

function setup(capacity = 10) {
  const wire: Record<string, unknown>[] = [];
  let up = true;
  const outbox = new Outbox(capacity, recordingLogger(), (text) => {
    if (!up) return false;
    wire.push(JSON.parse(text) as Record<string, unknown>);
    return true;
  });
  return { outbox, wire, setUp: (v: boolean) => (up = v) };
}

const subscribed = (id: string, subscriptions: string[] = ['zone_created']): SubscribedFrame => ({
  type: 'subscribed',
  id,
  subscriptions,
  rejected: [],
});

describe('Outbox', () => {
  it('queues while offline, sends in order once online, settles with the reply', async () => {
    const { outbox, wire } = setup();
    const a = outbox.request({ type: 'subscribe', items: ['dns'] });
    const b = outbox.request({ type: 'ack', upToSeq: 4 });
    expect(wire).toHaveLength(0);
    expect(outbox.queued).toBe(2);
    outbox.online();
    expect(wire.map((f) => f.type)).toEqual(['subscribe', 'ack']);
    const [subId, ackId] = wire.map((f) => String(f.id));
    expect(outbox.settle(subscribed(subId ?? ''))).toBe(true);
    expect(outbox.settle({ type: 'acked', id: ackId ?? '', upToSeq: 4, count: 4 })).toBe(true);
    await expect(a).resolves.toMatchObject({ subscriptions: ['zone_created'] });
    await expect(b).resolves.toMatchObject({ count: 4 });
  });

  it('sends at once when online, and rejects with the server error code', async () => {
    const { outbox, wire } = setup();
    outbox.online();
    const p = outbox.request({ type: 'subscribe', items: ['nope'] });
    expect(wire).toHaveLength(1);
    outbox.settle({
      type: 'error',
      id: String(wire[0]?.id),
      code: 'UNKNOWN_EVENT_TYPE',
      message: 'Unknown event type or category',
    });
    await expect(p).rejects.toMatchObject({ name: 'RealtimeError', code: 'UNKNOWN_EVENT_TYPE' });
  });

  it('ignores replies it does not know', () => {
    const { outbox } = setup();
    expect(outbox.settle(subscribed('zzz'))).toBe(false);
    expect(outbox.settle({ type: 'subscribed', subscriptions: [], rejected: [] })).toBe(false);
    expect(outbox.settle({ type: 'ping', ts: 1 })).toBe(false);
  });

  it('re-queues unanswered idempotent requests after a lost connection; auth fails', async () => {
    const { outbox, wire, setUp } = setup();
    outbox.online();
    const sub = outbox.request({ type: 'subscribe', items: ['dns'] });
    const auth = outbox.request({ type: 'auth', token: 't' });
    setUp(false);
    outbox.offline();
    await expect(auth).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
    expect(outbox.queued).toBe(1);
    setUp(true);
    outbox.online();
    expect(wire.map((f) => f.type)).toEqual(['subscribe', 'auth', 'subscribe']);
    outbox.settle(subscribed(String(wire[2]?.id)));
    await expect(sub).resolves.toMatchObject({ type: 'subscribed' });
  });

  it('refuses auth while offline instead of queueing a stale token', async () => {
    const { outbox } = setup();
    await expect(outbox.request({ type: 'auth', token: 't' })).rejects.toMatchObject({
      code: 'CONNECTION_LOST',
    });
  });

  it('fails the dropped request when the offline queue overflows', async () => {
    const { outbox } = setup(2);
    const first = outbox.request({ type: 'ack', upToSeq: 1 });
    void outbox.request({ type: 'ack', upToSeq: 2 }).catch(() => undefined);
    void outbox.request({ type: 'ack', upToSeq: 3 }).catch(() => undefined);
    await expect(first).rejects.toMatchObject({ code: 'QUEUE_OVERFLOW' });
    expect(outbox.queued).toBe(2);
  });

  it('fails everything with CLIENT_CLOSED on close', async () => {
    const { outbox } = setup();
    outbox.online();
    const sent = outbox.request({ type: 'subscribe', items: ['dns'] });
    outbox.offline();
    const queued = outbox.request({ type: 'unsubscribe', items: ['dns'] });
    outbox.close('superseded');
    const err = await sent.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RealtimeError);
    expect(err).toMatchObject({ code: 'CLIENT_CLOSED', details: 'superseded' });
    await expect(queued).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
    expect(outbox.queued).toBe(0);
  });

  it('stops flushing when the socket refuses a frame, keeping the rest queued', () => {
    const { outbox, wire, setUp } = setup();
    for (let i = 1; i <= 3; i++) void outbox.request({ type: 'ack', upToSeq: i });
    setUp(false);
    outbox.online();
    expect(wire).toHaveLength(0);
    expect(outbox.queued).toBe(3);
    setUp(true);
    outbox.online();
    expect(wire.map((f) => f.upToSeq)).toEqual([1, 2, 3]);
  });
});
