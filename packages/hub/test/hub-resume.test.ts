import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS } from '@hdns/protocol';
import { MemoryEventLog, SqliteEventLog } from '../src/index.js';
import { startHub, TestClient, token, sleep, type TestHub } from '@hdns/testkit';

let t: TestHub | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const seqsOf = (c: TestClient) => c.events.map((e) => e.seq);

describe('hub: resume', () => {
  it('replays exactly the missed events the reader may see, then goes live, with no gap or duplicate', async () => {
    t = await startHub();
    const tok = token('op', 'operator', ['example.com']);
    const first = await TestClient.connect(t.url, { token: tok, subscribe: ['dns'] });
    await t.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created); // 1
    await first.client.waitForEvents(1);
    await first.client.waitFor(() => (first.client.through >= 1 ? true : undefined));
    const position = { epoch: first.welcome.position.epoch, seq: first.client.through };
    first.client.close();
    await first.client.waitClosed();

    await t.hub.publish('record_created', EXAMPLE_EVENTS.record_created); // 2: visible
    await t.hub.publish('record_created', { ...EXAMPLE_EVENTS.record_created, zone: 'other.org' }); // 3: other zone
    await t.hub.publish('user_login', EXAMPLE_EVENTS.user_login); // 4: admin only
    await t.hub.publish('zone_updated', EXAMPLE_EVENTS.zone_updated); // 5: visible

    const again = await TestClient.connect(t.url, {
      token: tok,
      subscribe: ['dns'],
      resume: position,
    });
    expect(again.welcome.resume).toEqual({ requested: true, ok: true, replayed: 2 });
    await t.hub.publish('zone_deleted', EXAMPLE_EVENTS.zone_deleted); // 6: live
    await again.client.waitForEvents(3);
    await sleep(50);
    expect(seqsOf(again.client)).toEqual([2, 5, 6]);
  });

  it('says the resume failed for another epoch or a position older than retention', async () => {
    t = await startHub({ log: new MemoryEventLog({ maxEvents: 3, maxAgeMs: 3_600_000 }) });
    for (let i = 0; i < 6; i++) await t.hub.publish('zone_updated', EXAMPLE_EVENTS.zone_updated);
    const other = await TestClient.connect(t.url, {
      token: token('a', 'admin'),
      resume: { epoch: 'not-this-one', seq: 2 },
    });
    expect(other.welcome.resume).toMatchObject({
      requested: true,
      ok: false,
      reason: 'epoch_mismatch',
    });
    const old = await TestClient.connect(t.url, {
      token: token('b', 'admin'),
      resume: { epoch: t.log.epoch, seq: 1 },
    });
    expect(old.welcome.resume).toMatchObject({ requested: true, ok: false, reason: 'too_old' });
    const ok = await TestClient.connect(t.url, {
      token: token('c', 'admin'),
      resume: { epoch: t.log.epoch, seq: 3 },
    });
    expect(ok.welcome.resume).toMatchObject({ requested: true, ok: true, replayed: 3 });
  });

  it('pruned query events cut short only the resume of clients subscribed to them', async () => {
    t = await startHub({
      log: new MemoryEventLog({
        maxEvents: 100,
        maxAgeMs: 3_600_000,
        traffic: { maxEvents: 2, maxAgeMs: 3_600_000 },
      }),
    });
    await t.hub.publish('zone_updated', EXAMPLE_EVENTS.zone_updated); // 1
    for (let i = 0; i < 5; i++) await t.hub.publish('dns_query_log', EXAMPLE_EVENTS.dns_query_log);
    await t.hub.publish('zone_updated', EXAMPLE_EVENTS.zone_updated); // 7
    // Query events 2-4 are gone (their pool keeps 2); zone events are all still there.
    const zones = await TestClient.connect(t.url, {
      token: token('a', 'admin'),
      subscribe: ['zone_updated'],
      resume: { epoch: t.log.epoch, seq: 1 },
    });
    expect(zones.welcome.resume).toMatchObject({ requested: true, ok: true, replayed: 1 });
    const queries = await TestClient.connect(t.url, {
      token: token('b', 'admin'),
      subscribe: ['zone_updated', 'dns_query_log'],
      resume: { epoch: t.log.epoch, seq: 1 },
    });
    expect(queries.welcome.resume).toMatchObject({
      requested: true,
      ok: false,
      reason: 'too_old',
    });
  });

  it('loses nothing while events keep flowing during reconnects (SQLite log)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hdns-resume-'));
    dirs.push(dir);
    t = await startHub({ log: new SqliteEventLog({ path: join(dir, 'events.sqlite') }) });
    const hub = t.hub;
    const total = 2_000;
    let stop = false;
    const producer = (async () => {
      for (let i = 0; i < total && !stop; i++) {
        await hub.publish('record_updated', EXAMPLE_EVENTS.record_updated);
        if (i % 10 === 0) await sleep(1);
      }
    })();
    const seen: number[] = [];
    let position = { epoch: '', seq: 0 };
    for (let round = 0; round < 6; round++) {
      const { client, welcome } = await TestClient.connect(t.url, {
        token: token('r', 'admin'),
        subscribe: ['record_updated'],
        ...(round > 0 ? { resume: position } : {}),
      });
      if (round > 0) expect(welcome.resume.ok).toBe(true);
      else position = welcome.position;
      await sleep(40 + round * 15);
      client.close();
      await client.waitClosed();
      for (const e of client.events) if (e.seq > position.seq) seen.push(e.seq);
      position = { epoch: welcome.position.epoch, seq: Math.max(position.seq, client.through) };
    }
    await producer;
    stop = true;
    const last = await TestClient.connect(t.url, {
      token: token('r', 'admin'),
      subscribe: ['record_updated'],
      resume: position,
    });
    await last.client.waitFor(() => (last.client.through >= total ? true : undefined), 20_000);
    for (const e of last.client.events) if (e.seq > position.seq) seen.push(e.seq);
    // Events after the first position: each exactly once, in order.
    const first = seen[0] ?? 1;
    expect(seen).toEqual(Array.from({ length: total - first + 1 }, (_, i) => first + i));
  }, 60_000);
});

describe('hub: resume with critical events in the replay', () => {
  it('never advertises a watermark past replayed events still queued behind a critical one', async () => {
    t = await startHub({ batchDelayMs: 50 });
    const first = await TestClient.connect(t.url, { token: token('c', 'admin'), subscribe: ['*'] });
    const position = { epoch: first.welcome.position.epoch, seq: first.welcome.position.seq };
    first.client.close();
    await first.client.waitClosed();
    for (let i = 0; i < 30; i++) {
      if (i % 7 === 3) await t.hub.publish('admin_broadcast', EXAMPLE_EVENTS.admin_broadcast);
      else await t.hub.publish('record_updated', EXAMPLE_EVENTS.record_updated);
    }
    const again = await TestClient.connect(t.url, {
      token: token('c', 'admin'),
      subscribe: ['*'],
      resume: position,
    });
    // Watermark rule: every event with seq <= through has arrived when the batch carrying it does.
    const received = new Set<number>();
    for (;;) {
      await again.client.waitFor(() => (again.client.frames.length > 0 ? true : undefined));
      for (const f of again.client.frames) {
        if (f.type !== 'batch') continue;
        for (const e of f.events) received.add(e.seq);
        for (let s = position.seq + 1; s <= f.through; s++) expect(received.has(s)).toBe(true);
      }
      if (again.client.through >= 30) break;
      await sleep(20);
    }
    expect(received.size).toBe(30);
  });
});
