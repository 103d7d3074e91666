/** LockElection over a fake Web Locks API, and the heartbeat fallback's "oldest tab leads". */
import { describe, expect, it } from 'vitest';
import { FakeLocks } from '../../test/fixtures/tab-fakes.js';
import { HeartbeatElection, LockElection } from './election.js';
import { tabId } from './instance-id.js';
import { TabRegistry } from './tab-registry.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('LockElection', () => {
  it('elects one tab, hands over on release or crash, and can stop while waiting', async () => {
    const locks = new FakeLocks();
    const log: string[] = [];
    const tabs = ['a', 'b', 'c'].map((name) => {
      const t = locks.tab();
      const election = new LockElection(t.locks, 'L');
      election.start({ elected: () => log.push(name), deposed: () => log.push(`-${name}`) });
      return { election, crash: t.crash };
    });
    await tick();
    expect(log).toEqual(['a']);
    tabs[1]!.election.stop(); // b leaves while waiting: never elected
    tabs[0]!.crash();
    await tick();
    expect(log).toEqual(['a', 'c']);
    tabs[2]!.election.stop();
    await tick();
    expect(locks.holder('L')).toBeUndefined();
  });
});

describe('HeartbeatElection', () => {
  it('the oldest live tab leads after the settle time; a silent leader is replaced', () => {
    let now = 0;
    const ids = [tabId(1), tabId(2)];
    const registries = ids.map((id) => new TabRegistry(id, 500, () => now));
    const log: string[] = [];
    const elections = ids.map((id, i) => {
      const e = new HeartbeatElection(registries[i]!, id, 100, () => now);
      e.start({ elected: () => log.push(`+${i}`), deposed: () => log.push(`-${i}`) });
      return e;
    });
    const beat = (alive: number[]) => {
      for (const r of registries)
        for (const i of alive) r.update(ids[i]!, { items: null, version: 0, leader: false });
    };
    beat([0, 1]);
    elections.forEach((e) => e.evaluate());
    expect(log).toEqual([]); // still settling
    now = 150;
    beat([0, 1]);
    elections.forEach((e) => e.evaluate());
    expect(log).toEqual(['+0']);
    now = 1_000; // tab 0 went silent
    beat([1]);
    registries[1]!.expire();
    elections[1]!.evaluate();
    expect(log).toEqual(['+0', '+1']);
  });
});
