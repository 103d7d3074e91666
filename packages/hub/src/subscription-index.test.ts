import { describe, expect, it } from 'vitest';
import { SubscriptionIndex } from './subscription-index.js';

describe('SubscriptionIndex', () => {
  it('maps types to subscribers and forgets removed ones', () => {
    const index = new SubscriptionIndex<string>();
    index.set('a', ['zone_created', 'health_update']);
    index.set('b', ['zone_created']);
    expect([...index.subscribersOf('zone_created')].sort()).toEqual(['a', 'b']);
    expect([...index.subscribersOf('health_update')]).toEqual(['a']);
    index.set('a', ['health_update']);
    expect([...index.subscribersOf('zone_created')]).toEqual(['b']);
    index.remove('b');
    expect(index.hasSubscribers('zone_created')).toBe(false);
    expect(index.subscribersOf('zone_created').size).toBe(0);
    expect([...index.typesOf('a')]).toEqual(['health_update']);
  });
});
