import { describe, expect, it, vi } from 'vitest';
import type { UpstreamFacts } from './query-facts.js';
import { ForwarderSet } from './forwarder-set.js';

const up = (address: string, port = 53): UpstreamFacts => ({
  tsMs: 0,
  address,
  port,
  qname: 'x.test',
  qtype: 'A',
  rcode: 'NOERROR',
  latencyMs: 3,
  node: null,
});

describe('ForwarderSet', () => {
  it('knows the configured forwarders, port 53 or not, and nothing else', async () => {
    const set = new ForwarderSet(() =>
      Promise.resolve(['192.0.2.1', '2001:DB8::5#5353', '198.51.100.9 port 53']),
    );
    const stop = set.start();
    await vi.waitFor(() => expect(set.has(up('192.0.2.1'))).toBe(true));
    expect(set.has(up('2001:db8::5', 5353))).toBe(true);
    expect(set.has(up('2001:db8::5'))).toBe(false);
    expect(set.has(up('198.51.100.9'))).toBe(true);
    expect(set.has(up('199.7.83.42'))).toBe(false); // a root server a recursive named asked
    await stop();
    await stop();
  });

  it('re-reads on its interval, keeps the last set when a read fails, stops its timer', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let calls = 0;
    const set = new ForwarderSet(
      () =>
        ++calls === 2
          ? Promise.reject(new Error('db away'))
          : Promise.resolve([`192.0.2.${calls}`]),
      1000,
      (e) => errors.push(e),
    );
    const stop = set.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(set.has(up('192.0.2.1'))).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(errors).toHaveLength(1);
    expect(set.has(up('192.0.2.1'))).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(set.has(up('192.0.2.3'))).toBe(true);
    await stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
  });
});
