import { parseEventData } from '@hdns/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.js';
import type { DetectorEvent } from './detector-events.js';
import { answeredQuery, upstreamExchange } from '../queries/query-facts-fixture.js';
import { QueryDetectors } from './query-detectors.js';

describe('QueryDetectors', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('takes the parsed settings, feeds every detector and evaluates on its timer until stopped', async () => {
    vi.useFakeTimers({ now: 5_000_000 });
    const settings = loadConfig({
      HDNS_DETECT_NXDOMAIN_PER_MIN: '5',
      HDNS_DETECT_RANDOM_SUBDOMAINS_PER_MIN: '5',
      HDNS_DETECT_SERVFAIL_PERCENT: '10',
      HDNS_DETECT_SERVFAIL_MIN_ANSWERS: '10',
      HDNS_DETECT_FORWARDER_P99_MS: '100',
      HDNS_DETECT_WINDOW: '30s',
    }).detection;
    expect(settings).toEqual({
      nxdomainPerMin: 5,
      randomSubdomainsPerMin: 5,
      servfailPercent: 10,
      servfailMinAnswers: 10,
      forwarderP99Ms: 100,
      forwarderFailurePercent: 20,
      windowSeconds: 30,
    });
    const events: DetectorEvent[] = [];
    const detectors = new QueryDetectors({ settings, emit: (e) => events.push(e) });
    const stop = detectors.start();
    for (let i = 0; i < 5; i++) {
      detectors.recordFacts(answeredQuery({ qname: `q${i}.victim.test`, rcode: 'NXDOMAIN' }));
    }
    for (let i = 0; i < 5; i++) detectors.recordFacts(answeredQuery({ rcode: 'SERVFAIL' }));
    for (let i = 0; i < 20; i++) detectors.recordUpstream(upstreamExchange({ latencyMs: 300 }));
    // Threats fire as they cross the line; health is judged on the timer.
    expect(events.map((e) => e.type)).toEqual(['threat_detected', 'threat_detected']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(
      events.map((e) => (e.type === 'health_alert' ? e.data.metric : e.data.detection?.kind)),
    ).toEqual(['nxdomain_flood', 'random_subdomain', 'servfail_percent', 'forwarder_p99_ms']);
    for (const e of events) expect(parseEventData(e.type, e.data).ok, e.type).toBe(true);
    await stop();
    await stop(); // idempotent
    expect(vi.getTimerCount()).toBe(0);
    detectors.recordFacts(answeredQuery({ rcode: 'NOERROR' }));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(events).toHaveLength(4); // stopped: nothing is judged any more
  });

  it('leaves out detectors set to 0 and ignores records without an rcode', () => {
    const off = loadConfig({
      HDNS_DETECT_NXDOMAIN_PER_MIN: '0',
      HDNS_DETECT_RANDOM_SUBDOMAINS_PER_MIN: '0',
      HDNS_DETECT_SERVFAIL_PERCENT: '0',
      HDNS_DETECT_FORWARDER_P99_MS: '0',
      HDNS_DETECT_FORWARDER_FAILURE_PERCENT: '0',
    }).detection;
    expect(new QueryDetectors({ settings: off, emit: () => undefined }).idle).toBe(true);
    const events: DetectorEvent[] = [];
    const defaults = new QueryDetectors({
      settings: { ...loadConfig({}).detection, nxdomainPerMin: 1 },
      emit: (e) => events.push(e),
    });
    expect(defaults.idle).toBe(false);
    defaults.recordFacts(answeredQuery({ rcode: null, source: 'querylog' }));
    defaults.recordFacts(answeredQuery({ rcode: 'NXDOMAIN' }));
    expect(events).toHaveLength(1);
  });
});
