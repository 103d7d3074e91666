import { afterEach, beforeEach } from 'vitest';
import { MemoryEventLog, type Hub } from '@hdns/hub';
import { createTestHub, makeTempDir, removeDir } from '@hdns/testkit';
import type { Stop } from '../src/monitors/monitor-types.js';

/**
 * What a log-stream monitor test runs on: a real hub (in-memory log) and a fresh directory for
 * the log files, new for each test; the monitors a test starts are stopped after it.
 */
export interface MonitorFixture {
  /** The test's directory; read it inside tests only (it is set in beforeEach). */
  readonly dir: string;
  readonly hub: Hub;
  /** Stops `stop` after the test. */
  track(stop: Stop): void;
}

export function monitorFixture(prefix: string): MonitorFixture {
  let dir = '';
  let hub: Hub | null = null;
  let stops: Stop[] = [];
  beforeEach(async () => {
    dir = await makeTempDir(prefix);
    hub = createTestHub(new MemoryEventLog());
  });
  afterEach(async () => {
    for (const stop of stops) await stop();
    stops = [];
    await hub?.close();
    await removeDir(dir);
  });
  return {
    get dir() {
      return dir;
    },
    get hub() {
      if (!hub) throw new Error('monitorFixture: the hub starts in beforeEach');
      return hub;
    },
    track(stop) {
      stops.push(stop);
    },
  };
}
