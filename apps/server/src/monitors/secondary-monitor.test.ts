import { describe, expect, it } from 'vitest';
import { ReplicationReadings } from '../dns/replication-readings.js';
import { publishRecorder as recorder } from './publish-recorder-fixture.js';
import {
  SecondaryMonitor,
  servedDrifts,
  type ReplicationZone,
  type SecondaryMonitorOptions,
  type SecondaryStatus,
  type SecondaryTarget,
  type ZoneSyncEvent,
} from './secondary-monitor.js';
import type { SoaReading } from './soa-probe.js';

const OURS = { address: '127.0.0.1', port: 5300 };

/** Answers per `address#port` and zone, from a table the test edits between rounds. */
function world() {
  const answers = new Map<string, SoaReading>();
  const calls: string[] = [];
  const set = (server: string, zone: string, r: SoaReading | number) =>
    answers.set(`${server} ${zone}`, typeof r === 'number' ? { kind: 'serial', serial: r } : r);
  const probe: SecondaryMonitorOptions['probe'] = (target, zone) => {
    const server = `${target.address}#${target.port}`;
    calls.push(`${server} ${zone}`);
    return Promise.resolve(
      answers.get(`${server} ${zone}`) ??
        answers.get(`${server} *`) ?? { kind: 'absent', rcode: 'REFUSED' },
    );
  };
  return { set, probe, calls, answers };
}

const SILENT: SoaReading = { kind: 'silent', error: 'timeout' };
const ns2: SecondaryTarget = {
  id: 's1',
  name: 'ns2',
  address: '192.0.2.2',
  port: 53,
  enabled: true,
};

function setup(over: Partial<SecondaryMonitorOptions> = {}) {
  const rec = recorder();
  const w = world();
  let now = Date.parse('2026-12-06T12:00:00Z');
  const zones: ReplicationZone[] = [{ name: 'a.test', dbSerial: 5 }];
  const secondaries: SecondaryTarget[] = [{ ...ns2 }];
  const readings = new ReplicationReadings();
  const monitor = new SecondaryMonitor(rec.hub, {
    zones: () => Promise.resolve(zones.map((z) => ({ ...z }))),
    secondaries: () => Promise.resolve(secondaries.map((s) => ({ ...s }))),
    served: OURS,
    readings,
    graceMs: 30_000,
    failAfter: 2,
    probe: w.probe,
    now: () => now,
    ...over,
  });
  const advance = (ms: number) => {
    now += ms;
  };
  return { rec, w, zones, secondaries, readings, monitor, advance };
}

describe('SecondaryMonitor', () => {
  it('publishes the first reading: unknown → in_sync and every zone, then nothing while unchanged', async () => {
    const t = setup();
    t.w.set('127.0.0.1#5300', 'a.test', 5);
    t.w.set('192.0.2.2#53', 'a.test', 5);
    await t.monitor.checkNow();
    const events = t.rec.take();
    const [status] = t.rec.of<SecondaryStatus>('secondary_status', events);
    expect(status).toMatchObject({
      secondaryId: 's1',
      address: '192.0.2.2#53',
      previous: 'unknown',
      state: 'in_sync',
      level: 'info',
      laggingZones: [],
      zoneCount: 1,
    });
    expect(t.rec.of<ZoneSyncEvent>('zone_sync', events)).toEqual([
      {
        zone: 'a.test',
        dbSerial: 5,
        servedSerial: 5,
        secondaries: [{ id: 's1', name: 'ns2', serial: 5, state: 'in_sync' }],
        drift: false,
        checkedAt: '2026-12-06T12:00:00.000Z',
      },
    ]);
    expect(t.readings.secondary('s1')).toMatchObject({ state: 'in_sync', laggingZones: [] });
    expect(t.readings.zone('a.test')).toMatchObject({ servedSerial: 5, drift: false });

    t.advance(10_000);
    await t.monitor.checkNow();
    expect(t.rec.take()).toEqual([]);
    // The readings still move on (checkedAt), events do not.
    expect(t.readings.zone('a.test')?.checkedAt).toBe('2026-12-06T12:00:10.000Z');
  });

  it('a secondary behind ours is in_sync within the grace period, lagging after, in_sync once caught up', async () => {
    const t = setup();
    t.w.set('127.0.0.1#5300', 'a.test', 5);
    t.w.set('192.0.2.2#53', 'a.test', 5);
    await t.monitor.checkNow();
    t.rec.take();

    t.zones[0]!.dbSerial = 6;
    t.w.set('127.0.0.1#5300', 'a.test', 6);
    t.advance(1000);
    await t.monitor.checkNow();
    let events = t.rec.take();
    expect(t.rec.of('secondary_status', events)).toEqual([]);
    expect(t.rec.of<ZoneSyncEvent>('zone_sync', events)).toMatchObject([
      {
        dbSerial: 6,
        servedSerial: 6,
        secondaries: [{ serial: 5, state: 'in_sync' }],
        drift: false,
      },
    ]);

    t.advance(30_000);
    await t.monitor.checkNow();
    events = t.rec.take();
    expect(t.rec.of<SecondaryStatus>('secondary_status', events)).toMatchObject([
      { previous: 'in_sync', state: 'lagging', level: 'warning', laggingZones: ['a.test'] },
    ]);
    expect(t.rec.of<SecondaryStatus>('secondary_status', events)[0]!.message).toContain(
      'a.test (5, ours 6)',
    );
    expect(t.rec.of<ZoneSyncEvent>('zone_sync', events)).toMatchObject([
      { secondaries: [{ serial: 5, state: 'lagging' }], drift: true },
    ]);
    expect(t.readings.secondary('s1')).toMatchObject({
      state: 'lagging',
      laggingZones: ['a.test'],
    });

    t.w.set('192.0.2.2#53', 'a.test', 6);
    t.advance(1000);
    await t.monitor.checkNow();
    events = t.rec.take();
    expect(t.rec.of<SecondaryStatus>('secondary_status', events)).toMatchObject([
      { previous: 'lagging', state: 'in_sync', level: 'info', laggingZones: [] },
    ]);
    expect(t.rec.of<ZoneSyncEvent>('zone_sync', events)).toMatchObject([
      { secondaries: [{ serial: 6, state: 'in_sync' }], drift: false },
    ]);
  });

  it('a zone the secondary does not serve (REFUSED) has a null serial and lags past the grace', async () => {
    const t = setup({ graceMs: 0 });
    t.w.set('127.0.0.1#5300', 'a.test', 5);
    t.w.set('192.0.2.2#53', 'a.test', { kind: 'absent', rcode: 'REFUSED' });
    await t.monitor.checkNow();
    const events = t.rec.take();
    expect(t.rec.of<SecondaryStatus>('secondary_status', events)).toMatchObject([
      { previous: 'unknown', state: 'lagging', laggingZones: ['a.test'] },
    ]);
    expect(t.rec.of<SecondaryStatus>('secondary_status', events)[0]!.message).toContain(
      'a.test (not served)',
    );
    expect(t.rec.of<ZoneSyncEvent>('zone_sync', events)).toMatchObject([
      { secondaries: [{ serial: null, state: 'lagging' }], drift: true },
    ]);
  });

  it('a secondary ahead of ours counts as not in sync', async () => {
    const t = setup({ graceMs: 0 });
    t.w.set('127.0.0.1#5300', 'a.test', 5);
    t.w.set('192.0.2.2#53', 'a.test', 9);
    await t.monitor.checkNow();
    expect(t.readings.secondary('s1')?.state).toBe('lagging');
  });

  it('fails after failAfter silent rounds (critical), asking a silent secondary once per round, and recovers', async () => {
    const t = setup({ failAfter: 2 });
    t.zones.push({ name: 'b.test', dbSerial: 1 }, { name: 'c.test', dbSerial: 1 });
    t.w.set('127.0.0.1#5300', '*', 1);
    t.w.set('127.0.0.1#5300', 'a.test', 5);
    t.w.set('192.0.2.2#53', '*', 1);
    t.w.set('192.0.2.2#53', 'a.test', 5);
    await t.monitor.checkNow();
    t.rec.take();

    t.w.answers.set('192.0.2.2#53 *', SILENT);
    t.w.answers.set('192.0.2.2#53 a.test', SILENT);
    t.w.calls.length = 0;
    await t.monitor.checkNow();
    expect(t.rec.take()).toEqual([]); // one silent round is not an outage
    expect(t.w.calls.filter((c) => c.startsWith('192.0.2.2'))).toEqual(['192.0.2.2#53 a.test']);

    await t.monitor.checkNow();
    const events = t.rec.take();
    const [status] = t.rec.of<SecondaryStatus>('secondary_status', events);
    expect(status).toMatchObject({ previous: 'in_sync', state: 'failing', level: 'critical' });
    expect(status!.message).toContain('No SOA answer in 2 rounds (timeout)');
    const syncs = t.rec.of<ZoneSyncEvent>('zone_sync', events);
    expect(
      syncs.map((s) => [s.zone, s.secondaries[0]!.state, s.secondaries[0]!.serial, s.drift]),
    ).toEqual([
      ['a.test', 'failing', 5, true],
      ['b.test', 'failing', 1, true],
      ['c.test', 'failing', 1, true],
    ]);

    t.w.set('192.0.2.2#53', '*', 1);
    t.w.set('192.0.2.2#53', 'a.test', 5);
    await t.monitor.checkNow();
    expect(t.rec.of<SecondaryStatus>('secondary_status', t.rec.take())).toMatchObject([
      { previous: 'failing', state: 'in_sync', level: 'info' },
    ]);
  });

  it('a secondary that never answered goes from unknown to failing', async () => {
    const t = setup({ failAfter: 1 });
    t.w.set('127.0.0.1#5300', 'a.test', 5);
    t.w.set('192.0.2.2#53', 'a.test', SILENT);
    await t.monitor.checkNow();
    expect(t.rec.of<SecondaryStatus>('secondary_status', t.rec.take())).toMatchObject([
      { previous: 'unknown', state: 'failing' },
    ]);
  });

  it('a disabled secondary is not asked, is unknown, and does not make drift', async () => {
    const t = setup({ graceMs: 0 });
    t.w.set('127.0.0.1#5300', 'a.test', 5);
    t.w.set('192.0.2.2#53', 'a.test', 4);
    await t.monitor.checkNow();
    expect(t.readings.secondary('s1')?.state).toBe('lagging');
    t.rec.take();

    t.secondaries[0]!.enabled = false;
    t.w.calls.length = 0;
    await t.monitor.checkNow();
    expect(t.w.calls).toEqual(['127.0.0.1#5300 a.test']);
    const events = t.rec.take();
    expect(t.rec.of<SecondaryStatus>('secondary_status', events)).toMatchObject([
      { previous: 'lagging', state: 'unknown', level: 'info' },
    ]);
    expect(t.rec.of<ZoneSyncEvent>('zone_sync', events)).toMatchObject([
      { secondaries: [{ serial: null, state: 'unknown' }], drift: false },
    ]);
  });

  it('with no zones, a secondary that answers anything for the root is up', async () => {
    const t = setup();
    t.zones.length = 0;
    t.w.set('192.0.2.2#53', '.', { kind: 'absent', rcode: 'REFUSED' });
    await t.monitor.checkNow();
    expect(t.w.calls).toEqual(['192.0.2.2#53 .']);
    expect(t.rec.of<SecondaryStatus>('secondary_status', t.rec.take())).toMatchObject([
      { state: 'in_sync', zoneCount: 0 },
    ]);
  });

  it('our named serving another serial than the database is drift', async () => {
    const t = setup();
    t.secondaries.length = 0;
    t.w.set('127.0.0.1#5300', 'a.test', 4);
    await t.monitor.checkNow();
    expect(t.rec.of<ZoneSyncEvent>('zone_sync', t.rec.take())).toMatchObject([
      { dbSerial: 5, servedSerial: 4, secondaries: [], drift: true },
    ]);
    t.w.set('127.0.0.1#5300', 'a.test', { kind: 'absent', rcode: 'SERVFAIL' });
    await t.monitor.checkNow();
    expect(t.rec.of<ZoneSyncEvent>('zone_sync', t.rec.take())).toMatchObject([
      { servedSerial: null, drift: true },
    ]);
  });

  it('forgets secondaries and zones that are gone', async () => {
    const t = setup();
    t.w.set('127.0.0.1#5300', 'a.test', 5);
    t.w.set('192.0.2.2#53', 'a.test', 5);
    await t.monitor.checkNow();
    t.secondaries.length = 0;
    t.zones.length = 0;
    await t.monitor.checkNow();
    expect(t.readings.secondary('s1')).toBeNull();
    expect(t.readings.zone('a.test')).toBeNull();
  });

  it('keeps at most `concurrency` probes in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const t = setup({
      concurrency: 3,
      probe: async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return { kind: 'serial', serial: 1 };
      },
    });
    for (let i = 0; i < 20; i++) t.zones.push({ name: `z${i}.test`, dbSerial: 1 });
    t.secondaries.push({ ...ns2, id: 's2', address: '192.0.2.3' });
    await t.monitor.checkNow();
    expect(most).toBe(3);
    expect(t.readings.secondary('s2')?.state).toBe('in_sync');
  });

  it('stop() clears the timer, waits for the round in progress and is idempotent', async () => {
    let release: (() => void) | null = null;
    let rounds = 0;
    const t = setup({
      intervalMs: 5,
      probe: () => {
        rounds++;
        return new Promise((r) => {
          release = () => r({ kind: 'serial', serial: 5 });
        });
      },
    });
    t.secondaries.length = 0;
    const stop = t.monitor.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(rounds).toBe(1);
    let stopped = false;
    const done = stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    release!();
    await done;
    expect(stopped).toBe(true);
    expect(t.readings.zone('a.test')?.servedSerial).toBe(5);
    await stop();
    await new Promise((r) => setTimeout(r, 20));
    expect(rounds).toBe(1);
  });
});

describe('servedDrifts', () => {
  it('unsigned: any difference; signed: only an older (or no) serial', () => {
    expect(servedDrifts({ name: 'a', dbSerial: 5 }, 5)).toBe(false);
    expect(servedDrifts({ name: 'a', dbSerial: 5 }, 6)).toBe(true);
    expect(servedDrifts({ name: 'a', dbSerial: 5, signed: true }, 8)).toBe(false);
    expect(servedDrifts({ name: 'a', dbSerial: 5, signed: true }, 4)).toBe(true);
    expect(servedDrifts({ name: 'a', dbSerial: 5, signed: true }, null)).toBe(true);
    expect(servedDrifts({ name: 'a', dbSerial: null }, null)).toBe(false);
  });
});
