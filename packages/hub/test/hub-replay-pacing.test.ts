import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, EXAMPLE_EVENTS, type StreamPosition } from '@hdns/protocol';
import {
  DEFAULT_OUTBOUND_LIMITS,
  MemoryBus,
  MemoryEventLog,
  type EventQuery,
  type LoggedEvent,
} from '../src/index.js';
import { sleep, startHub, TestClient, token, waitFor, type TestHub } from '@hdns/testkit';

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A bulk job's completion listing `errors` errors of ~1 KB each (100: ~100 KB on the wire). */
function completion(i: number, errors = 100) {
  return {
    ...EXAMPLE_EVENTS.bulk_operation_complete,
    jobId: `job_${i}`,
    errors: Array.from({ length: errors }, (_, line) => ({
      line,
      message: `line ${line}: ${'x'.repeat(1000)}`,
    })),
    errorCount: errors,
  };
}

async function metric(h: TestHub, name: string): Promise<number> {
  const m = await h.registry.getSingleMetric(name)?.get();
  return (m?.values ?? []).reduce((n, v) => n + v.value, 0);
}

/** The seqs after `after` up to `head`. */
const range = (after: number, head: number) =>
  Array.from({ length: head - after }, (_, i) => after + 1 + i);

/**
 * The watermark rule over every batch the client got, in order: when a batch says `through`,
 * every event the client may see with seq ≤ through has arrived (in it or before it).
 */
function watermarkHolds(client: TestClient, after: number, expected: readonly number[]): boolean {
  const received = new Set<number>();
  for (const f of client.frames) {
    if (f.type !== 'batch') continue;
    for (const e of f.events) received.add(e.seq);
    for (const seq of expected)
      if (seq > after && seq <= f.through && !received.has(seq)) return false;
  }
  return true;
}

/**
 * A log whose head reads take `headDelayMs` after reading (the events appended meanwhile lie
 * past the head returned, like a read that crossed the network to Redis), and whose queries
 * fail once `failQueries` is set.
 */
class SlowLog extends MemoryEventLog {
  headDelayMs = 0;
  failQueries = false;
  /** Runs once a count query has answered (e.g. publishes, so the log prunes meanwhile). */
  afterCount: (() => Promise<void>) | undefined;
  override async countByCategory(filter: EventQuery) {
    const counts = await super.countByCategory(filter);
    const after = this.afterCount;
    this.afterCount = undefined;
    await after?.();
    return counts;
  }
  override async lastSeq(): Promise<number> {
    const seq = await super.lastSeq();
    if (this.headDelayMs > 0) await sleep(this.headDelayMs);
    return seq;
  }
  override query(filter: EventQuery) {
    if (this.failQueries) return Promise.reject(new Error('log unavailable'));
    return super.query(filter);
  }
}

/**
 * A bus that holds deliveries while `holding` and hands them over on `release()`: the late
 * delivery of a bus that crosses the network (Redis), where the log can hold an event (and a
 * replay send it) before the bus brings it.
 */
class HeldBus extends MemoryBus {
  holding = false;
  private held: LoggedEvent[] = [];
  override publish(event: LoggedEvent): Promise<void> {
    if (!this.holding) return super.publish(event);
    this.held.push(event);
    return Promise.resolve();
  }
  async release(): Promise<void> {
    this.holding = false;
    for (const event of this.held.splice(0)) await super.publish(event);
  }
}

/** Publishes the backlog of a client that went away at `position`. */
async function backlog(h: TestHub, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await h.hub.publish('bulk_operation_complete', completion(i));
}

const TOKEN = token('bulk', 'admin');

/**
 * A client of `subscribe` that went away at the returned position, then a backlog of `count`
 * ~100 KB events published after it left.
 */
async function leftBehind(
  h: TestHub,
  count: number,
  subscribe = ['bulk'],
): Promise<StreamPosition> {
  const first = await TestClient.connect(h.url, { token: TOKEN, subscribe });
  const position = first.welcome.position;
  first.client.close();
  await first.client.waitClosed();
  await backlog(h, count);
  return position;
}

/** A resume from `position` by a client that does not read; returns once the replay started. */
async function pausedResume(h: TestHub, position: StreamPosition, subscribe = ['bulk']) {
  const client = await TestClient.open(h.url);
  client.ws.pause();
  client.send({ type: 'hello', id: 'h1', protocol: 1, token: TOKEN, subscribe, resume: position });
  const session = () => h.hub.connections().find((c) => c.userId === 'bulk');
  await waitFor(() => (session()?.eventsOut ?? 0) > 0, 10_000, 'the replay to start');
  return { client, session };
}

describe('hub: a replay paced by the socket', () => {
  it('brings a full-speed reader of a ~20 MB backlog of ~100 KB events to the head', async () => {
    // The default outbound bounds (1 MB hard): the backlog is twenty times the hard bound.
    t = await startHub();
    const total = 200;
    const position = await leftBehind(t, total);
    const head = position.seq + total;

    const again = await TestClient.connect(t.url, {
      token: TOKEN,
      subscribe: ['bulk'],
      resume: position,
    });
    expect(again.welcome.resume).toEqual({ requested: true, ok: true, replayed: total });
    const { client } = again;
    await client.waitFor(
      () => (client.through >= head || client.closed ? true : undefined),
      20_000,
    );
    expect(client.closed).toBeUndefined();
    expect(client.through).toBe(head);
    expect(client.events.map((e) => e.seq)).toEqual(range(position.seq, head));
    expect(watermarkHolds(client, position.seq, range(position.seq, head))).toBe(true);
    expect(await metric(t, 'hdns_ws_slow_consumer_closes_total')).toBe(0);
  }, 30_000);

  it('parks a replay for a reader that stops, below the soft bound, and delivers the live events published meanwhile once it reads, a critical one ahead of the backlog', async () => {
    // Live events past this bound are read from the log after the backlog instead.
    t = await startHub({ session: { replayLiveBufferBytes: 64 * 1024 } });
    const total = 200;
    const position = await leftBehind(t, total, ['bulk', 'system']);
    // Paused before anything arrives: the kernel's buffers take a few MB of the ~20 MB at most.
    const { client, session } = await pausedResume(t, position, ['bulk', 'system']);

    // Live, while the replay waits on the socket: ~110 KB (past the live buffer) and a critical
    // broadcast among them.
    let maxBuffered = 0;
    let critical = 0;
    for (let i = 0; i < 11; i++) {
      await t.hub.publish('bulk_operation_complete', completion(1000 + i, 10));
      if (i === 5)
        critical = (await t.hub.publish('admin_broadcast', EXAMPLE_EVENTS.admin_broadcast)).seq;
      maxBuffered = Math.max(maxBuffered, session()?.bufferedBytes ?? 0);
    }
    const head = await t.log.lastSeq();
    // The replay was still under way: most of the backlog had not left the process.
    expect(session()?.eventsOut ?? total).toBeLessThan(total);
    // Bounded by the replay's allowance (half the soft bound) plus one event, not the backlog.
    expect(maxBuffered).toBeGreaterThan(0);
    expect(maxBuffered).toBeLessThanOrEqual(DEFAULT_OUTBOUND_LIMITS.softBytes);

    client.ws.resume();
    const welcome = await client.next('welcome');
    expect(welcome.resume).toEqual({ requested: true, ok: true, replayed: total });
    await client.waitFor(
      () => (client.through >= head || client.closed ? true : undefined),
      20_000,
    );
    expect(client.closed).toBeUndefined();
    expect(client.through).toBe(head);
    const seqs = client.events.map((e) => e.seq);
    // Every event exactly once; the critical one overtook the backlog (it was written while the
    // replay was parked, so it arrives before the backlog's last event), the rest in order.
    expect([...seqs].sort((a, b) => a - b)).toEqual(range(position.seq, head));
    expect(seqs.filter((s) => s !== critical)).toEqual(
      range(position.seq, head).filter((s) => s !== critical),
    );
    expect(client.events.find((e) => e.seq === critical)?.event).toBe('admin_broadcast');
    expect(seqs.indexOf(critical)).toBeLessThan(seqs.indexOf(position.seq + total));
    expect(watermarkHolds(client, position.seq, range(position.seq, head))).toBe(true);
    expect(await metric(t, 'hdns_ws_slow_consumer_closes_total')).toBe(0);
  }, 30_000);

  it('does not write a critical event ahead again when a late bus brings it after the replay sent it', async () => {
    const bus = new HeldBus();
    t = await startHub({ bus });
    const first = await TestClient.connect(t.url, { token: TOKEN, subscribe: ['bulk', 'system'] });
    const position = first.welcome.position;
    first.client.close();
    await first.client.waitClosed();
    // The log has the backlog, a critical broadcast first; the bus has delivered none of it.
    bus.holding = true;
    const critical = (await t.hub.publish('admin_broadcast', EXAMPLE_EVENTS.admin_broadcast)).seq;
    await backlog(t, 200);
    const head = await t.log.lastSeq();
    const { client, session } = await pausedResume(t, position, ['bulk', 'system']);
    // The replay sent the broadcast (its first event) and is parked on the paused socket.
    await waitFor(
      () => (session()?.eventsOut ?? 0) > 1,
      10_000,
      'the replay to pass the broadcast',
    );
    expect(session()?.eventsOut ?? 201).toBeLessThan(201);
    await bus.release();
    client.ws.resume();
    await client.waitFor(
      () => (client.through >= head || client.closed ? true : undefined),
      20_000,
    );
    expect(client.closed).toBeUndefined();
    // Exactly once each, the broadcast included.
    expect(client.events.filter((e) => e.seq === critical)).toHaveLength(1);
    expect(client.events.map((e) => e.seq)).toEqual(range(position.seq, head));
  }, 30_000);

  it('writes critical events ahead of a parked replay only up to the soft bound', async () => {
    t = await startHub();
    const position = await leftBehind(t, 200);
    const { client, session } = await pausedResume(t, position);
    // ~1.5 MB of critical events (past the 1 MB hard bound) while the reader is paused: the
    // first may go ahead, the rest wait for the replay like any live event.
    for (let i = 0; i < 15; i++) {
      await t.hub.publish('bulk_operation_complete', completion(2000 + i), {
        priority: 'critical',
      });
    }
    expect(session()?.bufferedBytes ?? 0).toBeLessThanOrEqual(DEFAULT_OUTBOUND_LIMITS.softBytes);
    const head = await t.log.lastSeq();
    client.ws.resume();
    await client.waitFor(
      () => (client.through >= head || client.closed ? true : undefined),
      20_000,
    );
    expect(client.closed).toBeUndefined();
    expect([...client.events.map((e) => e.seq)].sort((a, b) => a - b)).toEqual(
      range(position.seq, head),
    );
    expect(await metric(t, 'hdns_ws_slow_consumer_closes_total')).toBe(0);
  }, 30_000);

  it('loses nothing when live events overrun the buffer while the head read is slow', async () => {
    const log = new SlowLog();
    // A 4 KB live buffer: a few live events overrun it, so the replay extends its range by a
    // head read again and again while events keep coming.
    t = await startHub({ log, session: { replayLiveBufferBytes: 4096 } });
    const position = await leftBehind(t, 60);
    log.headDelayMs = 30;

    const again = await TestClient.connect(t.url, {
      token: TOKEN,
      subscribe: ['bulk'],
      resume: position,
    });
    const { client } = again;
    // Live while the replay runs: ~11 KB every 3 ms for ~0.4 s.
    for (let i = 0; i < 120; i++) {
      await t.hub.publish('bulk_operation_complete', completion(1000 + i, 10));
      await sleep(3);
    }
    log.headDelayMs = 0;
    const head = await t.log.lastSeq();
    await client.waitFor(
      () => (client.through >= head || client.closed ? true : undefined),
      20_000,
    );
    expect(client.closed).toBeUndefined();
    expect(client.events.map((e) => e.seq)).toEqual(range(position.seq, head));
    expect(watermarkHolds(client, position.seq, range(position.seq, head))).toBe(true);
  }, 30_000);

  it("answers the session's frames while its replay waits for the socket", async () => {
    t = await startHub();
    const total = 200;
    const position = await leftBehind(t, total);
    const head = position.seq + total;
    const { client, session } = await pausedResume(t, position);
    client.send({ type: 'ping', id: 'p1' });
    // The ping is handled while the replay is parked, not after it.
    await waitFor(() => (session()?.framesIn ?? 0) >= 2, 10_000, 'the ping to arrive');
    client.ws.resume();
    await client.waitFor(() => (client.through >= head ? true : undefined), 20_000);
    const frames = client.frames.map((f) => f.type);
    const pong = client.frames.findIndex((f) => f.type === 'pong');
    const lastBatch = frames.lastIndexOf('batch');
    expect(pong).toBeGreaterThan(0);
    expect(pong).toBeLessThan(lastBatch);
    expect(client.events.map((e) => e.seq)).toEqual(range(position.seq, head));
  }, 30_000);

  it('closes with the reconnect-class INTERNAL_ERROR when a log read fails mid-replay', async () => {
    const log = new SlowLog();
    t = await startHub({ log });
    const position = await leftBehind(t, 200);
    const { client } = await pausedResume(t, position);
    log.failQueries = true;
    client.ws.resume();
    const closed = await client.waitClosed(20_000);
    expect(closed.code).toBe(CloseCode.INTERNAL_ERROR);
    expect(client.through).toBeLessThan(position.seq + 200);
  }, 30_000);

  it('closes STREAM_RESET when the log prunes past the position before the first page is read', async () => {
    // 600 events kept: the 100 published during the count push the client's next ones out.
    const log = new SlowLog({ maxEvents: 600, maxAgeMs: 3_600_000 });
    t = await startHub({ log });
    const first = await TestClient.connect(t.url, { token: TOKEN, subscribe: ['bulk'] });
    const position = first.welcome.position;
    first.client.close();
    await first.client.waitClosed();
    const hub = t.hub;
    for (let i = 0; i < 550; i++) await hub.publish('bulk_operation_complete', completion(i, 1));
    // An admin's replay of more than a page of seqs is counted by one count query.
    log.afterCount = async () => {
      for (let i = 0; i < 100; i++)
        await hub.publish('bulk_operation_complete', completion(600 + i, 1));
    };
    const again = await TestClient.connect(t.url, {
      token: TOKEN,
      subscribe: ['bulk'],
      resume: position,
    });
    expect(again.welcome.resume).toEqual({ requested: true, ok: true, replayed: 550 });
    const closed = await again.client.waitClosed();
    expect(closed.code).toBe(CloseCode.STREAM_RESET);
    // Nothing after the pruned events was sent as if it followed the position.
    expect(again.client.events).toEqual([]);
    const third = await TestClient.connect(t.url, {
      token: TOKEN,
      subscribe: ['bulk'],
      resume: position,
    });
    expect(third.welcome.resume).toMatchObject({ requested: true, ok: false, reason: 'too_old' });
  }, 30_000);
});
