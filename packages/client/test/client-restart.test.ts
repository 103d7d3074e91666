/**
 * Server restarts while events keep flowing. The log is a real SQLite file that outlives each
 * hub (as it outlives a server process); every restart starts a new Hub on a new log handle and
 * serves it on the same port, and events are published into the new hub while nobody is
 * connected yet. The client must end with every event exactly once, in seq order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_EVENTS } from '@hdns/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryEventLog, SqliteEventLog, type Hub } from '../../hub/src/index.js';
import { sleep, token, waitFor } from '@hdns/testkit';
import { createHub, serve, type Served } from './support/hub-server.js';
import { nodeClient } from './support/node-client.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('client against a real hub: restarts', () => {
  it('receives ~2,000 events exactly once and in order across 3 server restarts and 2 client drops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hdns-client-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'events.sqlite');
    let log = new SqliteEventLog({ path });
    let hub: Hub = createHub(log);
    let served: Served | undefined = await serve(hub);
    const port = served.port;
    cleanups.push(async () => {
      await served?.stop();
      await log.close();
    });

    const { client, states, opens } = nodeClient({
      url: served.url,
      getToken: () => token('reader', 'admin'),
      subscriptions: ['record_updated'],
    });
    cleanups.push(() => client.disconnect());
    const seqs: number[] = [];
    const ids = new Set<string>();
    client.on('record_updated', (e) => {
      seqs.push(e.seq);
      ids.add(e.id);
    });
    const resyncs: unknown[] = [];
    client.onSignal('resync', (r) => resyncs.push(r));
    client.connect();
    await client.ready(5_000);

    const total = 2_000;
    const restartAt = new Set([400, 900, 1_400]);
    const clientDropAt = new Set([650, 1_700]);
    let lastSeq = 0;
    let whileDown = 0;
    let serving: Promise<void> = Promise.resolve();
    for (let i = 1; i <= total; i++) {
      if (restartAt.has(i) || clientDropAt.has(i)) {
        // One disruption at a time, so each one is a separate reconnect to count.
        await waitFor(() => client.state.state === 'open', 10_000, 'open before disrupting');
      }
      if (restartAt.has(i)) {
        // Stop the process: sessions close SERVER_RESTARTING, the log file stays.
        await serving;
        await served?.stop();
        served = undefined;
        await log.close();
        log = new SqliteEventLog({ path });
        hub = createHub(log);
        const next = hub;
        // The new hub serves on the same port a little later; events go into its log meanwhile.
        serving = sleep(150).then(async () => {
          served = await serve(next, port);
        });
      }
      if (clientDropAt.has(i)) client.reconnect();
      if (client.state.state !== 'open') whileDown++;
      lastSeq = (await hub.publish('record_updated', EXAMPLE_EVENTS.record_updated)).seq;
      if (i % 20 === 0) await sleep(2);
    }
    expect(lastSeq).toBe(total);
    await waitFor(() => seqs.at(-1) === lastSeq, 20_000, 'the last event');
    await sleep(100); // anything late would be a duplicate

    expect(seqs).toHaveLength(total);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(ids.size).toBe(total);
    expect(resyncs).toEqual([]);
    expect(opens()).toBe(1 + restartAt.size + clientDropAt.size);
    const reasons = states.filter((s) => s.state === 'reconnecting' || s.reason === 'reconnect');
    expect(reasons.filter((s) => s.reason === 'server_restarting')).toHaveLength(3);
    expect(reasons.filter((s) => s.reason === 'reconnect')).toHaveLength(2);
    expect(client.position).toEqual({ epoch: log.epoch, seq: total });
    // A meaningful share of the stream was published while the client was not connected.
    expect(whileDown).toBeGreaterThan(100);
    console.info(
      `restart test: ${total} events, ${opens() - 1} reconnects, ${whileDown} published while not open`,
    );
  }, 60_000);

  it('delivers critical events that overtake queued ones exactly once across a restart', async () => {
    const log = new MemoryEventLog();
    let served = await serve(createHub(log, { batchDelayMs: 30 }));
    cleanups.push(() => served.stop());
    const { client } = nodeClient({
      url: served.url,
      getToken: () => token('crit', 'admin'),
      subscriptions: ['health_alert'],
    });
    cleanups.push(() => client.disconnect());
    const seqs: number[] = [];
    client.on('health_alert', (e) => seqs.push(e.seq));
    client.connect();
    await client.ready(5_000);
    const publish = (hub: Hub, i: number) =>
      hub.publish('health_alert', EXAMPLE_EVENTS.health_alert, {
        priority: i % 7 === 0 ? 'critical' : 'low',
      });
    for (let i = 1; i <= 300; i++) {
      await publish(served.hub, i);
      if (i === 150) {
        const port = served.port;
        await served.stop();
        served = await serve(createHub(log, { batchDelayMs: 30 }), port);
      }
    }
    await waitFor(() => new Set(seqs).size === 300, 10_000, `all 300 (have ${new Set(seqs).size})`);
    await sleep(100);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(seqs.some((s, i) => i > 0 && s < (seqs[i - 1] ?? 0))).toBe(true); // criticals overtook
  }, 30_000);

  it('emits resync when the server comes back with another epoch (log wiped)', async () => {
    let served = await serve(createHub(new MemoryEventLog()));
    cleanups.push(() => served.stop());
    const { client, opens } = nodeClient({
      url: served.url,
      getToken: () => token('rs', 'admin'),
      subscriptions: ['zone_created'],
    });
    cleanups.push(() => client.disconnect());
    const resyncs: { reason: string }[] = [];
    client.onSignal('resync', (r) => resyncs.push(r));
    const seen: number[] = [];
    client.on('zone_created', (e) => seen.push(e.seq));
    client.connect();
    await client.ready(5_000);
    for (let i = 0; i < 5; i++)
      await served.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    await waitFor(() => client.position?.seq === 5, 5_000, 'position 5');
    const before = client.position;

    const port = served.port;
    await served.stop();
    const fresh = new MemoryEventLog();
    served = await serve(createHub(fresh), port);
    await waitFor(() => opens() === 2, 5_000, 'reconnected');
    expect(resyncs).toEqual([
      { reason: 'epoch_mismatch', previous: before, position: { epoch: fresh.epoch, seq: 0 } },
    ]);
    await served.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    await waitFor(() => seen.length === 6, 5_000, 'event of the new epoch');
    expect(seen).toEqual([1, 2, 3, 4, 5, 1]);
    expect(client.position).toEqual({ epoch: fresh.epoch, seq: 1 });
  });
});
