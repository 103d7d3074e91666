import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, type ApiInit } from '@hdns/testkit';
import { restartableServer, type RestartableServer } from './process.js';

/**
 * Every change has its event, even across a crash. The real server process is killed with
 * SIGKILL at the test-only fault points of the outbox (HDNS_TEST_CRASH_AT):
 * - `outbox-after-commit`: the record and its outbox row are committed, nothing relayed;
 * - `outbox-after-append`: the relay appended the event to the log, the outbox row is not deleted.
 * After a clean restart on the same data dir the event is in /api/events and reaches a
 * subscribed WebSocket client (resuming from where it was) exactly once. The SQLite files are
 * read directly between the crash and the restart to show where each crash left things.
 */

const PASSWORD = 'outbox-crash-password';
const ZONE = 'outbox.test';
let srv: RestartableServer;
const api = (pathname: string, init?: ApiInit) => srv.api(pathname, init);

/** Rows in the app database's outbox and events with this record id in the event log. */
function readFiles(recordId: (data: unknown) => boolean): { outbox: number; logged: number } {
  return srv.readFiles((app, events) => {
    const outbox = (app.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
    const bodies = events
      .prepare(`SELECT body FROM hub_events WHERE type = 'record_created'`)
      .all() as { body: string }[];
    const logged = bodies.filter((b) => recordId((JSON.parse(b.body) as { data: unknown }).data));
    return { outbox, logged: logged.length };
  });
}

const named = (name: string) => (data: unknown) =>
  (data as { after?: { name?: string } }).after?.name === name;

/**
 * Arms `point`, connects a subscribed client, creates record `name` (the process dies without
 * answering), restarts clean, resumes the client where it was and creates a marker record after
 * it. Returns what the files held between crash and restart, and the events the client saw.
 */
async function crashAt(
  point: string,
  name: string,
): Promise<{ between: { outbox: number; logged: number }; seen: string[]; history: string[] }> {
  await srv.stop(); // one process per data dir and port at a time
  const { first, position, answer } = await srv.crashAt(point, async () => {
    const client = await TestClient.connect(srv.wsUrl(), {
      token: srv.token,
      subscribe: ['record_created'],
    });
    const at = { epoch: client.welcome.position.epoch, seq: client.client.through };
    const sent = await api(`/api/zones/${ZONE}/records`, {
      method: 'POST',
      body: { name, type: 'A', value: '192.0.2.10' },
    }).then(
      (r) => `answered ${r.status}`,
      () => 'no answer',
    );
    return { first: client, position: at, answer: sent };
  });
  expect(answer).toBe('no answer');
  await first.client.waitClosed();
  const between = readFiles(named(name));

  await srv.start();
  const resumeFrom = { epoch: position.epoch, seq: Math.max(position.seq, first.client.through) };
  const second = await TestClient.connect(srv.wsUrl(), {
    token: srv.token,
    subscribe: ['record_created'],
    resume: resumeFrom,
  });
  expect(second.welcome.resume.ok).toBe(true);
  // A marker written after the restart: once it arrives, anything relayed before it has too.
  const marker = await api(`/api/zones/${ZONE}/records`, {
    method: 'POST',
    body: { name: `${name}-marker`, type: 'A', value: '192.0.2.11' },
  });
  expect(marker.status).toBe(201);
  const received = () =>
    [...first.client.events, ...second.client.events].map(
      (e) => (e.data as { after: { name: string } }).after.name,
    );
  await second.client.waitFor(() => (received().includes(`${name}-marker`) ? true : undefined));
  second.client.close();
  const history = await api('/api/events?type=record_created&order=asc&limit=500');
  expect(history.status).toBe(200);
  const logged = (history.body as { events: { data: { after: { name: string } } }[] }).events;
  return { between, seen: received(), history: logged.map((e) => e.data.after.name) };
}

const count = (list: readonly string[], value: string) => list.filter((v) => v === value).length;

beforeAll(async () => {
  srv = await restartableServer({
    prefix: 'hdns-outbox-crash-',
    adminPassword: PASSWORD,
    zones: [ZONE],
  });
}, 60_000);

afterAll(async () => {
  await srv?.close();
});

describe('outbox: a change and its event survive a crash together', () => {
  it('killed after the commit, before the relay: the event is delivered after the restart, once', async () => {
    const { between, seen, history } = await crashAt('outbox-after-commit', 'committed');
    // The crash left the change's event in the outbox, not in the log.
    expect(between).toEqual({ outbox: 1, logged: 0 });
    expect(count(history, 'committed')).toBe(1);
    expect(count(seen, 'committed')).toBe(1);
    const records = await api(`/api/zones/${ZONE}/records`);
    expect(
      (records.body as { records: { name: string }[] }).records.filter(
        (r) => r.name === 'committed',
      ),
    ).toHaveLength(1);
    expect(readFiles(named('committed'))).toEqual({ outbox: 0, logged: 1 });
  }, 90_000);

  it('killed after the append to the log, before the outbox row is deleted: still exactly once', async () => {
    const { between, seen, history } = await crashAt('outbox-after-append', 'appended');
    // The event reached the log and its outbox row is still there: the restart relays it again.
    expect(between).toEqual({ outbox: 1, logged: 1 });
    expect(count(history, 'appended')).toBe(1);
    expect(count(seen, 'appended')).toBe(1);
    expect(readFiles(named('appended'))).toEqual({ outbox: 0, logged: 1 });
  }, 90_000);

  it('a TXT value of 2,100 `"` is stored (201) and its record_created is delivered', async () => {
    await srv.stop();
    await srv.start();
    const client = await TestClient.connect(srv.wsUrl(), {
      token: srv.token,
      subscribe: ['record_created'],
    });
    const value = '"'.repeat(2100);
    const res = await api(`/api/zones/${ZONE}/records`, {
      method: 'POST',
      body: { name: 'quotes', type: 'TXT', value },
    });
    expect(res.status).toBe(201);
    const [event] = await client.client.waitForEvents(1);
    client.client.close();
    const after = (event?.data as { after: { name: string; value: string } }).after;
    expect(after.name).toBe('quotes');
    expect(after.value).toBe(`"${'\\"'.repeat(2100)}"`);
    const history = await api('/api/events?type=record_created&order=desc&limit=1');
    const [logged] = (history.body as { events: { data: { after: { value: string } } }[] }).events;
    expect(logged?.data.after.value).toBe(after.value);
    await srv.stop();
  }, 60_000);
});
