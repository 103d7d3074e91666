import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventType } from '@hdns/protocol';
import { waitFor, sleep, logged, type TypedLoggedEvent } from '@hdns/testkit';
import { RpzStream } from '../src/monitors/rpz-stream.js';
import { monitorFixture } from './monitor-fixture.js';

const f = monitorFixture('hdns-rpz-');

/** BIND 9.18 rpz-category line (print-time, category, severity), optional view. */
function rpzLine(ip: string, qname: string, policy = 'NXDOMAIN', view = ''): string {
  const v = view ? `view ${view}: ` : '';
  return `22-Nov-2026 13:28:11.495 rpz: info: client @0x7fc949ede098 ${ip}#35273 (${qname}): ${v}rpz QNAME ${policy} rewrite ${qname}/A/IN via ${qname}.rpz.local\n`;
}

const atLeast =
  <T extends EventType>(type: T, n: number) =>
  async (): Promise<TypedLoggedEvent<T>[] | undefined> => {
    const e = await logged(f.hub.log, type);
    return e.length >= n ? e : undefined;
  };

describe('RpzStream', () => {
  it('publishes threat_detected per hit with the rule category from the lookup', async () => {
    const file = path.join(f.dir, 'rpz.log');
    await writeFile(file, '');
    const rules: Record<string, string> = {
      'malware.bad.test': 'malware',
      '*.ads.test': 'ads',
      'odd.test': 'not-a-category',
    };
    const lookups: string[] = [];
    const hits: string[] = [];
    const stream = new RpzStream(f.hub, {
      path: file,
      pollIntervalMs: 20,
      categoryOf: (rule) => {
        lookups.push(rule);
        return Promise.resolve(rules[rule] ?? null);
      },
      onHit: (h) => hits.push(h.rule),
    });
    f.track(stream.start());
    await sleep(80);
    await appendFile(
      file,
      rpzLine('127.0.0.1', 'malware.bad.test') +
        rpzLine('::1', 'tracker.ads.test', 'Local-Data', 'internal') +
        rpzLine('10.0.0.5', 'unknown.test', 'NODATA') +
        rpzLine('10.0.0.5', 'odd.test', 'DROP') +
        'not an rpz line\n' +
        rpzLine('127.0.0.1', 'malware.bad.test'),
    );
    const threats = await waitFor(atLeast('threat_detected', 5));
    expect(threats.map((e) => [e.data.qname, e.data.category, e.data.action])).toEqual([
      ['malware.bad.test', 'malware', 'nxdomain'],
      ['tracker.ads.test', 'ads', 'redirect'],
      ['unknown.test', 'custom', 'nodata'],
      ['odd.test', 'custom', 'drop'],
      ['malware.bad.test', 'malware', 'nxdomain'],
    ]);
    expect(threats[1]?.data).toMatchObject({
      clientIp: '::1',
      rule: 'tracker.ads.test',
      policyZone: 'rpz.local',
      qtype: 'A',
    });
    expect(hits).toHaveLength(5);
    // Cached: the repeated hit did not ask again; the wildcard was found through its parent.
    expect(lookups.filter((r) => r === 'malware.bad.test')).toHaveLength(1);
    expect(lookups).toContain('*.ads.test');
    expect(await f.hub.log.query({ types: ['security_alert'] })).toHaveLength(0);
  });

  it('a burst from one client raises one security_alert; the event rate is capped', async () => {
    const file = path.join(f.dir, 'rpz.log');
    await writeFile(file, '');
    const stream = new RpzStream(f.hub, {
      path: file,
      pollIntervalMs: 20,
      maxEventsPerSec: 10,
      burst: { threshold: 20, criticalThreshold: 1000, windowMs: 60_000, cooldownMs: 60_000 },
    });
    f.track(stream.start());
    await sleep(80);
    let text = '';
    for (let i = 0; i < 40; i++) text += rpzLine('192.0.2.66', `c${i}.bad.test`);
    for (let i = 0; i < 5; i++) text += rpzLine('192.0.2.7', `q${i}.bad.test`);
    await appendFile(file, text);
    const alerts = await waitFor(atLeast('security_alert', 1));
    await sleep(300);
    expect(await f.hub.log.query({ types: ['security_alert'] })).toHaveLength(1);
    expect(alerts[0]?.data).toMatchObject({
      severity: 'warning',
      clientIp: '192.0.2.66',
      source: 'rpz',
      count: 20,
    });
    expect(alerts[0]?.priority).toBe('high');
    expect(stream.counters.hits).toBe(45);
    const threats = await logged(f.hub.log, 'threat_detected');
    expect(threats.length).toBeLessThanOrEqual(20);
    expect(threats.length).toBeGreaterThanOrEqual(10);
  });

  it('escalates to critical above the second threshold', async () => {
    const file = path.join(f.dir, 'rpz.log');
    await writeFile(file, '');
    const stream = new RpzStream(f.hub, {
      path: file,
      pollIntervalMs: 20,
      burst: { threshold: 5, criticalThreshold: 10 },
    });
    f.track(stream.start());
    await sleep(80);
    await appendFile(
      file,
      Array.from({ length: 15 }, () => rpzLine('2001:db8::66', 'x.bad.test')).join(''),
    );
    const alerts = await waitFor(atLeast('security_alert', 2));
    expect(alerts.map((a) => [a.data.severity, a.priority])).toEqual([
      ['warning', 'high'],
      ['critical', 'critical'],
    ]);
  });
});
