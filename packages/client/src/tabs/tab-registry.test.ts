/** TabRegistry: the union of the tabs' items, reference-counted by tab, versions and expiry. */
import { describe, expect, it } from 'vitest';
import type { TabReport } from './messages.js';
import { TabRegistry } from './tab-registry.js';

const report = (items: string[] | null, version = 0, seq?: number): TabReport => ({
  items,
  version,
  leader: false,
  ...(seq !== undefined ? { position: { epoch: 'e', seq } } : {}),
});

describe('TabRegistry', () => {
  it('adds an item once and removes it only when no tab holds it', () => {
    let now = 0;
    const r = new TabRegistry('a', 1_000, () => now);
    expect(r.update('a', report(['dns']))).toEqual({ added: ['dns'], removed: [] });
    expect(r.update('b', report(['dns', 'security']))).toEqual({
      added: ['security'],
      removed: [],
    });
    expect(r.change('b', 'remove', ['dns'], 1)).toEqual({ added: [], removed: [] });
    expect(r.remove('b')).toEqual({ added: [], removed: ['security'] });
    expect(r.union()).toEqual(['dns']);
    now = 1;
  });

  it('ignores items from a report older than the last change', () => {
    const r = new TabRegistry('a', 1_000, () => 0);
    r.change('b', 'add', ['health'], 2);
    r.update('b', report([], 1)); // a heartbeat sent before the request
    expect(r.union()).toEqual(['health']);
    r.update('b', report([], 3));
    expect(r.union()).toEqual([]);
  });

  it('expires silent tabs (never itself) unless vouched for', () => {
    let now = 0;
    const r = new TabRegistry('a', 1_000, () => now);
    r.update('a', report(['dns']));
    r.update('b', report(['security']));
    r.update('c', report(['health']));
    now = 5_000;
    const result = r.expire((id) => id === 'c');
    expect(result.expired).toEqual(['b']);
    expect(result.removed).toEqual(['security']);
    expect(r.ids()).toEqual(['a', 'c']);
  });

  it('resumes from the lowest position in the epoch, and knows default-only tabs', () => {
    const r = new TabRegistry('a', 1_000, () => 0);
    r.update('a', report(null, 0, 12));
    r.update('b', report(null, 0, 9));
    r.update('c', { ...report(null), position: { epoch: 'old', seq: 1 } });
    expect(r.lowestPosition('e')).toEqual({ epoch: 'e', seq: 9 });
    expect(r.anyExplicit()).toBe(false);
  });
});
