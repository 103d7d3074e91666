/**
 * Issue 11 item 7, jobs: an import stops when its user loses the right to run it, and a job is
 * seen only by its starter and admins. Real app on a real port, real SQLite.
 *
 * Stopping is checked inside each chunk's zone lock and again in its transaction, so once a
 * revocation has committed no further chunk is stored. No timing: the test queues its own hold
 * of the zone's lock (the app's mutex, which every record write takes) right behind the job's
 * first chunk, so the revocation commits after exactly one chunk is stored, while the job's next
 * chunk waits for the lock; or it revokes from inside the job's BIND step, after the chunk's
 * in-lock check and before its commit. Records are counted when the revocation has committed
 * and after the job ended: the two counts must be equal, and the first must be one chunk.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '@hdns/testkit';
import { startTestServer, type LoginResult, type TestServer } from './helpers.js';

const LINES = 2_000;
const CHUNK = 500;

let s: TestServer;
let admin: LoginResult;
let watcher: TestClient;

beforeAll(async () => {
  s = await startTestServer();
  admin = await s.login();
  watcher = (
    await TestClient.connect(`${s.url.replace('http', 'ws')}/ws`, {
      token: admin.accessToken,
      subscribe: ['bulk'],
    })
  ).client;
});
afterAll(async () => {
  watcher.close();
  await s.close();
});

interface JobBody {
  id: string;
  status: string;
  total: number;
  succeeded: number;
  processed: number;
  createdBy: string | null;
  finishedAt: string | null;
  stopReason: string | null;
}

/** A zone and an operator (all zones) who may import into it. */
async function importer(tag: string) {
  const zone = `job-${tag}.example`;
  expect(
    (await s.api('/api/zones', { token: admin.accessToken, body: { name: zone } })).status,
  ).toBe(201);
  const username = `imp-${tag}`;
  const created = await s.api('/api/users', {
    token: admin.accessToken,
    body: { username, password: 'importer-password', role: 'operator', zones: null },
  });
  expect(created.status).toBe(201);
  const user = created.body as { id: string; version: number };
  return { zone, user, operator: await s.login(username, 'importer-password') };
}

async function startImport(zone: string, token: string, lines = LINES): Promise<JobBody> {
  const data = Array.from({ length: lines }, (_, i) => ({
    name: `h${i}`,
    type: 'A',
    value: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
  }));
  const started = await s.api(`/api/zones/${zone}/records/import`, {
    token,
    body: { format: 'json', data },
  });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return started.body as JobBody;
}

async function imported(zone: string): Promise<number> {
  const res = await s.api(`/api/zones/${zone}/records`, { token: admin.accessToken });
  return (res.body as { records: { name: string }[] }).records.filter((r) => /^h\d+/.test(r.name))
    .length;
}

async function completion(jobId: string) {
  const event = await watcher.waitFor(() =>
    watcher.events.find(
      (e) => e.event === 'bulk_operation_complete' && (e.data as { jobId: string }).jobId === jobId,
    ),
  );
  return event.data as { status: string; succeeded: number; reason?: string };
}

async function job(id: string, token = admin.accessToken): Promise<JobBody> {
  return (await s.api(`/api/jobs/${id}`, { token })).body as JobBody;
}

/**
 * Queues the test's own hold of `zone`'s lock right behind the next task that takes it (the
 * job's first chunk): `entered` resolves once that chunk is stored and the test holds the lock.
 */
function holdAfterNextChunk(zone: string) {
  const locks = s.app.dns.zones.locks;
  const original = locks.run;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let enter!: () => void;
  const entered = new Promise<void>((resolve) => (enter = resolve));
  let held: Promise<void> | undefined;
  locks.run = <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const result = original.call(locks, key, task) as Promise<T>;
    if (key === zone && !held) {
      // Once: from here on the mutex is the app's own again.
      Reflect.deleteProperty(locks, 'run');
      held = locks.run(zone, async () => {
        enter();
        await gate;
      });
    }
    return result;
  };
  return {
    entered,
    async release(): Promise<void> {
      open();
      await held;
    },
  };
}

const revocations = [
  { change: 'demoted to viewer', body: { role: 'viewer' }, reason: /no longer write zone/ },
  { change: 'disabled', body: { disabled: true }, reason: /was disabled/ },
  { change: 'moved to other zones', body: { zones: ['elsewhere.example'] }, reason: /no longer/ },
  {
    change: 'password changed',
    body: { password: 'a-new-importer-password' },
    reason: /sign-in that started the job was revoked/,
  },
] as const;

describe('an import job stops when its user loses the right to run it', () => {
  it.each(revocations)('operator $change mid-job: no chunk stored after it', async (c) => {
    const { zone, user, operator } = await importer(c.change.split(' ')[0] ?? 'x');
    const hold = holdAfterNextChunk(zone);
    const started = await startImport(zone, operator.accessToken);
    await hold.entered;

    // Mid-job: one chunk stored, the job still running, its next chunk waiting for the lock.
    expect(await job(started.id)).toMatchObject({ status: 'running', succeeded: CHUNK });
    const patched = await s.api(`/api/users/${user.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      body: { ...c.body, version: user.version },
    });
    expect(patched.status).toBe(200);
    const atRevocation = await imported(zone);
    expect(atRevocation).toBe(CHUNK);
    await hold.release();

    const data = await completion(started.id);
    expect(data).toMatchObject({ status: 'cancelled', succeeded: atRevocation });
    expect(data.reason).toMatch(c.reason);
    expect(await imported(zone)).toBe(atRevocation);
    const row = await job(started.id);
    expect(row).toMatchObject({ status: 'cancelled', total: LINES, succeeded: atRevocation });
    expect(row.stopReason).toMatch(c.reason);
    expect(row.finishedAt).not.toBeNull();
  });

  it('a revocation committed after the in-lock check still stops the chunk at its commit', async () => {
    const { zone, user, operator } = await importer('late');
    const zones = s.app.dns.zones;
    const apply = zones.apply.bind(zones);
    let chunks = 0;
    let atRevocation = -1;
    // The chunk's BIND step runs after its in-lock check and before its transaction.
    zones.apply = async (next, records) => {
      if (next.name === zone && ++chunks === 2) {
        Reflect.deleteProperty(zones, 'apply');
        const patched = await s.api(`/api/users/${user.id}`, {
          method: 'PATCH',
          token: admin.accessToken,
          body: { role: 'viewer', version: user.version },
        });
        expect(patched.status).toBe(200);
        atRevocation = await imported(zone);
      }
      return apply(next, records);
    };
    const started = await startImport(zone, operator.accessToken);
    const data = await completion(started.id);
    expect(atRevocation).toBe(CHUNK);
    expect(data).toMatchObject({ status: 'cancelled', succeeded: CHUNK });
    expect(data.reason).toMatch(/no longer write zone/);
    expect(await imported(zone)).toBe(atRevocation);
    expect((await job(started.id)).stopReason).toMatch(/no longer write zone/);
  });

  it('runs to the end when nothing changes (the check does not stop a rightful job)', async () => {
    const { zone, operator } = await importer('steady');
    const started = await startImport(zone, operator.accessToken, 1_200);
    const data = await completion(started.id);
    expect(data).toMatchObject({ status: 'succeeded', succeeded: 1_200 });
    expect(data).not.toHaveProperty('reason');
    expect(await imported(zone)).toBe(1_200);
  });
});

describe('a job is seen only by its starter and admins', () => {
  it('others get the same answer as for a job that does not exist', async () => {
    const { zone, user, operator } = await importer('owner');
    const started = await startImport(zone, operator.accessToken, 3);
    await completion(started.id);
    // Another operator who may write the same zone, and a viewer.
    await s.api('/api/users', {
      token: admin.accessToken,
      body: { username: 'other-op', password: 'other-password', role: 'operator', zones: null },
    });
    await s.api('/api/users', {
      token: admin.accessToken,
      body: { username: 'job-viewer', password: 'viewer-password', role: 'viewer' },
    });
    const other = await s.login('other-op', 'other-password');
    const viewer = await s.login('job-viewer', 'viewer-password');

    const own = await s.api(`/api/jobs/${started.id}`, { token: operator.accessToken });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: started.id, createdBy: user.id, status: 'succeeded' });
    const byAdmin = await s.api(`/api/jobs/${started.id}`, { token: admin.accessToken });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).toMatchObject({ id: started.id, createdBy: user.id });

    const missing = `/api/jobs/${randomUUID()}`;
    for (const [who, token, status] of [
      ['another operator', other.accessToken, 404],
      ['a viewer', viewer.accessToken, 403],
    ] as const) {
      const existing = await s.api(`/api/jobs/${started.id}`, { token });
      const absent = await s.api(missing, { token });
      expect(existing.status, who).toBe(status);
      expect(absent.status, who).toBe(status);
      const { code, message } = existing.body as { code: string; message: string };
      expect(absent.body, who).toMatchObject({ code, message });
      expect(JSON.stringify(existing.body), who).not.toContain(zone);
    }
  });
});
