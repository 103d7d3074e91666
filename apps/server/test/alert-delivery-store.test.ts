import { expect, it } from 'vitest';
import { DeliveryStore, type NewDelivery } from '../src/alerting/delivery-store.js';
import { describeStorage } from './storage-backends.js';

/** The delivery queue's contract on SQLite and PostgreSQL: idempotent enqueue, exclusive claims. */

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:00:01.000Z';
const LATER = '2026-01-01T01:00:00.000Z';

function delivery(id: string, dedupeKey: string | null): NewDelivery {
  return {
    id,
    channelId: 'c1',
    ruleId: 'r1',
    eventId: 'e1',
    reason: 'alert',
    dedupeKey,
    payload: '{}',
    escalateAt: null,
    now: T0,
  };
}

describeStorage('alert delivery store', (open) => {
  it('enqueues a dedupe key once, however often it is offered', async () => {
    const store = new DeliveryStore(await open());
    expect(await store.enqueue([delivery('a', 'alert:e1:c1')])).toBe(1);
    expect(await store.enqueue([delivery('b', 'alert:e1:c1')])).toBe(0);
    // Test sends and re-sends have no key: each one is new.
    expect(await store.enqueue([delivery('c', null), delivery('d', null)])).toBe(2);
    const page = await store.page({ limit: 10 });
    expect(page.deliveries.map((d) => d.id).sort()).toEqual(['a', 'c', 'd']);
  });

  it('lets one claimer take a due row, and takes over a claim that expired', async () => {
    const store = new DeliveryStore(await open());
    await store.enqueue([delivery('a', 'k')]);
    const [first, second] = await Promise.all([
      store.claimDue(T1, LATER, 10),
      store.claimDue(T1, LATER, 10),
    ]);
    expect([...(first ?? []), ...(second ?? [])].map((r) => [r.id, r.attempts])).toEqual([
      ['a', 1],
    ]);
    expect(await store.claimDue(T1, LATER, 10)).toEqual([]);
    // The claimer died: after claimed_until the row is due again, as a second attempt.
    const taken = await store.claimDue(LATER, '2026-01-01T02:00:00.000Z', 10);
    expect(taken.map((r) => [r.id, r.attempts, r.status])).toEqual([['a', 2, 'sending']]);
  });

  it('retries at next_attempt_at, and a dead row is never claimed', async () => {
    const store = new DeliveryStore(await open());
    await store.enqueue([delivery('a', 'k1'), delivery('b', 'k2')]);
    await store.claimDue(T1, LATER, 10);
    await store.markFailed('a', { statusCode: 500, error: 'HTTP 500', retryAt: LATER });
    await store.markFailed('b', { statusCode: null, error: 'timeout', retryAt: null });
    expect(await store.claimDue(T1, LATER, 10)).toEqual([]);
    const due = await store.claimDue(LATER, '2026-01-01T02:00:00.000Z', 10);
    expect(due.map((r) => r.id)).toEqual(['a']);
    expect((await store.get('b'))?.status).toBe('dead');
  });

  it('prunes finished rows older than the cutoff only', async () => {
    const store = new DeliveryStore(await open());
    await store.enqueue([delivery('old', 'k1'), delivery('pending', 'k2')]);
    await store.claimDue(T1, LATER, 1);
    await store.markDelivered('old', 200, T1);
    expect(await store.prune(LATER)).toBe(1);
    expect((await store.page({ limit: 10 })).deliveries.map((d) => d.id)).toEqual(['pending']);
  });
});
