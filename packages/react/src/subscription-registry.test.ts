import { describe, expect, it, vi } from 'vitest';
import { typesInCategory } from '@hdns/protocol';
import { SubscriptionRegistry } from './subscription-registry.js';
import { FakeClient } from '../test/fake-client.js';

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

describe('SubscriptionRegistry', () => {
  it('subscribes on the first holder and unsubscribes after the last one', async () => {
    const client = new FakeClient();
    const registry = new SubscriptionRegistry(client);
    const a = registry.acquire(['health_update']);
    const b = registry.acquire(['health_update']);
    expect(client.requests('subscribe')).toEqual([['health_update']]);
    a();
    a(); // idempotent
    await tick();
    expect(client.requests('unsubscribe')).toEqual([]);
    b();
    await tick();
    expect(client.requests('unsubscribe')).toEqual([['health_update']]);
    expect(registry.held().size).toBe(0);
  });

  it('keeps types another holder still needs when a category is released', async () => {
    const client = new FakeClient();
    const registry = new SubscriptionRegistry(client);
    const dns = registry.acquire(['dns']);
    const zone = registry.acquire(['zone_created']); // covered by dns: not sent again
    expect(client.requests('subscribe')).toEqual([['dns']]);
    dns();
    await tick();
    const removed = client.requests('unsubscribe')[0] as string[];
    expect(removed).not.toContain('zone_created');
    expect(removed.sort()).toEqual(
      typesInCategory('dns')
        .filter((t) => t !== 'zone_created')
        .sort(),
    );
    zone();
    await tick();
    expect(client.requests('unsubscribe')[1]).toEqual(['zone_created']);
  });

  it('never removes the baseline and sends nothing for release + re-acquire in one tick', async () => {
    const client = new FakeClient(['system_metrics']);
    const registry = new SubscriptionRegistry(client);
    registry.acquire(['system_metrics'])(); // covered by the baseline
    const first = registry.acquire(['query_stats']);
    first();
    const again = registry.acquire(['query_stats']); // StrictMode remount
    await tick();
    expect(client.requests('subscribe')).toEqual([['query_stats']]);
    expect(client.requests('unsubscribe')).toEqual([]);
    again();
    await tick();
    expect(client.requests('unsubscribe')).toEqual([['query_stats']]);
  });

  it('reports failed requests to onError', async () => {
    const client = new FakeClient();
    client.subscribe = () => Promise.reject(new Error('QUEUE_OVERFLOW'));
    const onError = vi.fn();
    new SubscriptionRegistry(client, onError).acquire(['dns']);
    await tick();
    expect(onError).toHaveBeenCalledWith(expect.any(Error), 'subscribe');
  });
});
