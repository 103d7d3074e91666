import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '@hdns/testkit';
import { SqliteDriver } from '@hdns/hub';
import { startTestServer, type TestServer } from './helpers.js';
import { parseMetrics, type Sample } from './prometheus-text.js';

/**
 * The outbox gauges on /metrics of the real app: 0 while the relay keeps up, rising while it
 * cannot reach the event log (the log is closed under it), back to 0 once a restart relayed the
 * row; a row the catalogue refuses (an event type this version does not know, as after a
 * downgrade) is counted as dead.
 */

let dataDir: string;
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  if (dataDir) await removeDir(dataDir);
});

async function start(): Promise<{ server: TestServer; token: string }> {
  const server = await startTestServer({ dataDir });
  servers.push(server);
  return { server, token: (await server.login()).accessToken };
}

/** The outbox gauges as scraped now; each must be present exactly once, without labels. */
async function outboxGauges(server: TestServer): Promise<{ pending: number; dead: number }> {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  const samples = parseMetrics(await res.text());
  const only = (name: string): number => {
    const found: Sample[] = samples.filter((s) => s.name === name);
    expect(found).toEqual([{ name, labels: {}, value: expect.any(Number) as number }]);
    return found[0]?.value ?? Number.NaN;
  };
  return { pending: only('hdns_outbox_pending'), dead: only('hdns_outbox_dead') };
}

async function createZone(server: TestServer, token: string, name: string): Promise<void> {
  const res = await server.api('/api/zones', { method: 'POST', token, body: { name } });
  expect(res.status).toBe(201);
}

describe('/metrics: hdns_outbox_pending and hdns_outbox_dead', () => {
  it('0 while relayed, 1 while the event log is unavailable, 0 after a restart; refused rows are dead', async () => {
    dataDir = await makeTempDir('hdns-outbox-metrics-');
    const first = await start();
    expect(await outboxGauges(first.server)).toEqual({ pending: 0, dead: 0 });
    // The API answers after its events were relayed, so nothing is left behind.
    await createZone(first.server, first.token, 'relayed.test');
    expect(await outboxGauges(first.server)).toEqual({ pending: 0, dead: 0 });

    // The event log goes away under the relay: the change is still stored, its event waits.
    await first.server.app.eventLog.close();
    await createZone(first.server, first.token, 'waiting.test');
    expect(await outboxGauges(first.server)).toEqual({ pending: 1, dead: 0 });
    await first.server.close();

    // A row of an event type this version does not know (written by a newer one).
    const db = new SqliteDriver(path.join(dataDir, 'hdns.sqlite'));
    try {
      db.prepare(
        `INSERT INTO outbox (id, type, ts, data, options) VALUES (?, 'event_from_the_future', ?, '{}', '{}')`,
      ).run('00000000-0000-4000-8000-00000000f00d', new Date().toISOString());
    } finally {
      db.close();
    }

    const second = await start();
    // The relay drains at start, in the background: wait for it.
    const deadline = Date.now() + 10_000;
    let gauges = await outboxGauges(second.server);
    while ((gauges.pending !== 0 || gauges.dead !== 1) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      gauges = await outboxGauges(second.server);
    }
    expect(gauges).toEqual({ pending: 0, dead: 1 });
    const logged = await second.server.api('/api/events?type=zone_created&order=asc&limit=10', {
      token: second.token,
    });
    const zones = (logged.body as { events: { data: { zone: string } }[] }).events;
    expect(zones.map((e) => e.data.zone)).toEqual(['relayed.test', 'waiting.test']);
  });
});
