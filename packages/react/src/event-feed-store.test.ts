import { describe, expect, it } from 'vitest';
import { EventFeedStore } from './event-feed-store.js';
import { FakeClient, makeEvent } from '../test/fake-client.js';
import { manualScheduler } from '../test/manual-scheduler.js';

function setup(size = 5) {
  const client = new FakeClient();
  const frames = manualScheduler();
  const feed = new EventFeedStore(client, size, undefined, frames.schedule);
  const snap = () => {
    frames.frame();
    return feed.store.getSnapshot();
  };
  return { client, feed, snap };
}

describe('EventFeedStore', () => {
  it('keeps notifications newest first, skips low priority and duplicates', () => {
    const { feed, snap } = setup();
    const a = makeEvent('zone_created');
    const b = makeEvent('security_alert');
    feed.push(a);
    feed.push(makeEvent('dns_query_log')); // low: not a notification
    feed.push(b);
    feed.push(a); // replayed id
    const s = snap();
    expect(s.events.map((e) => e.id)).toEqual([b.id, a.id]);
    expect(s.unreadByCategory.dns).toBe(1);
    expect(s.unreadByCategory.security).toBe(1);
    expect(s.unreadTotal).toBe(2);
    expect([...s.unreadIds].sort()).toEqual([a.id, b.id].sort());
  });

  it('keeps at most `size` events but still counts unread ones that fell out', () => {
    const { feed, snap } = setup(3);
    const events = Array.from({ length: 10 }, () => makeEvent('record_created'));
    for (const e of events) feed.push(e);
    const s = snap();
    expect(s.events.map((e) => e.id)).toEqual(
      events
        .slice(-3)
        .reverse()
        .map((e) => e.id),
    );
    expect(s.unreadByCategory.dns).toBe(10);
    expect(s.unreadIds.size).toBe(3);
  });

  it('acknowledges one event optimistically and calls client.ack with its id', async () => {
    const { client, feed, snap } = setup();
    const a = makeEvent('zone_created');
    feed.push(a);
    feed.push(makeEvent('zone_deleted'));
    snap();
    const done = feed.acknowledge(a.id);
    expect(snap().unreadByCategory.dns).toBe(1); // before the server answered
    await done;
    expect(client.requests('ack')).toEqual([{ ids: [a.id] }]);
    expect(snap().unreadIds.has(a.id)).toBe(false);
  });

  it('reverts when the server refuses the ack', async () => {
    const { client, feed, snap } = setup();
    const a = makeEvent('zone_created');
    feed.push(a);
    client.failNextAck = new Error('CLIENT_CLOSED');
    const done = feed.acknowledge(a.id);
    expect(snap().unreadTotal).toBe(0);
    await expect(done).rejects.toThrow('CLIENT_CLOSED');
    expect(snap().unreadTotal).toBe(1);
    expect(snap().unreadIds.has(a.id)).toBe(true);
  });

  it('acknowledgeAll clears every count, acks up to the position plus ids above it', async () => {
    const { client, feed, snap } = setup();
    const low = client.emit('zone_created'); // position follows emitted events
    feed.push(low);
    const overtaking = makeEvent('security_alert', undefined, { seq: 10_000 });
    feed.push(overtaking);
    await feed.acknowledgeAll();
    expect(client.requests('ack')).toEqual([{ upToSeq: low.seq, ids: [overtaking.id] }]);
    const s = snap();
    expect(s.unreadTotal).toBe(0);
    expect(s.unreadIds.size).toBe(0);

    feed.push(makeEvent('zone_deleted'));
    client.failNextAck = new Error('nope');
    await expect(feed.acknowledgeAll()).rejects.toThrow('nope');
    expect(snap().unreadTotal).toBe(1);
  });

  it('acknowledgeAll without a position acks kept unread events by id', async () => {
    const { client, feed } = setup();
    const a = makeEvent('zone_created');
    feed.push(a);
    await feed.acknowledgeAll();
    expect(client.requests('ack')).toEqual([{ ids: [a.id] }]);
    await feed.acknowledgeAll(); // nothing left, no position: no request
    expect(client.requests('ack')).toHaveLength(1);
  });
});
