/**
 * Issue 11 item 7, jobs: an import stops when its user loses the right to run it. The job
 * checks the user's rights again before every chunk; demoted, disabled or un-granted users get
 * the job `cancelled` with a reason (job row and bulk_operation_complete), and the lines not yet
 * applied are not applied. Real app on a real port, real SQLite.
 *
 * No timing: the test holds the zone's lock (the app's own mutex, which every record write
 * takes) while it changes the user, so the job cannot get past its first chunk before the
 * change. Whether the first chunk's check ran before or after the change is the only freedom,
 * so at most one chunk (500 lines) is applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../packages/hub/test/harness.js';
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
  stopReason: string | null;
}

const cases = [
  { change: 'demoted to viewer', body: { role: 'viewer' }, reason: /no longer write zone/ },
  { change: 'disabled', body: { disabled: true }, reason: /was disabled/ },
  { change: 'moved to other zones', body: { zones: ['elsewhere.example'] }, reason: /no longer/ },
] as const;

describe('an import job stops when its user loses the right to run it', () => {
  it.each(cases)('operator $change mid-job: cancelled, the rest not applied', async (c) => {
    const zone = `job-${c.change.split(' ')[0]}.example`;
    expect(
      (await s.api('/api/zones', { token: admin.accessToken, body: { name: zone } })).status,
    ).toBe(201);
    const username = `imp-${c.change.split(' ')[0]}`;
    const created = await s.api('/api/users', {
      token: admin.accessToken,
      body: { username, password: 'importer-password', role: 'operator', zones: null },
    });
    const user = created.body as { id: string; version: number };
    const operator = await s.login(username, 'importer-password');
    const rows = Array.from({ length: LINES }, (_, i) => ({
      name: `h${i}`,
      type: 'A',
      value: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    }));

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held = s.app.dns.zones.locks.run(zone, () => gate);
    const started = await s.api(`/api/zones/${zone}/records/import`, {
      token: operator.accessToken,
      body: { format: 'json', data: rows },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const job = started.body as JobBody;
    const patched = await s.api(`/api/users/${user.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      body: { ...c.body, version: user.version },
    });
    expect(patched.status).toBe(200);
    release();
    await held;

    const complete = await watcher.waitFor(() =>
      watcher.events.find(
        (e) =>
          e.event === 'bulk_operation_complete' && (e.data as { jobId: string }).jobId === job.id,
      ),
    );
    const data = complete.data as { status: string; succeeded: number; reason?: string };
    expect(data.status).toBe('cancelled');
    expect(data.reason).toMatch(c.reason);
    expect([0, CHUNK]).toContain(data.succeeded);

    const row = (await s.api(`/api/jobs/${job.id}`, { token: admin.accessToken })).body as JobBody;
    expect(row).toMatchObject({ status: 'cancelled', total: LINES, succeeded: data.succeeded });
    expect(row.stopReason).toMatch(c.reason);
    const records = (await s.api(`/api/zones/${zone}/records`, { token: admin.accessToken }))
      .body as { records: { name: string }[] };
    const imported = records.records.filter((r) => /^h\d+/.test(r.name));
    expect(imported).toHaveLength(data.succeeded);
    expect(imported.length).toBeLessThan(LINES);
  });

  it('runs to the end when nothing changes (the check does not stop a rightful job)', async () => {
    const zone = 'job-steady.example';
    await s.api('/api/zones', { token: admin.accessToken, body: { name: zone } });
    await s.api('/api/users', {
      token: admin.accessToken,
      body: { username: 'imp-steady', password: 'importer-password', role: 'operator' },
    });
    const operator = await s.login('imp-steady', 'importer-password');
    const rows = Array.from({ length: 1_200 }, (_, i) => ({
      name: `s${i}`,
      type: 'TXT',
      value: `line ${i}`,
    }));
    const started = await s.api(`/api/zones/${zone}/records/import`, {
      token: operator.accessToken,
      body: { format: 'json', data: rows },
    });
    const job = started.body as JobBody;
    const complete = await watcher.waitFor(() =>
      watcher.events.find(
        (e) =>
          e.event === 'bulk_operation_complete' && (e.data as { jobId: string }).jobId === job.id,
      ),
    );
    expect(complete.data).toMatchObject({ status: 'succeeded', succeeded: 1_200 });
    expect(complete.data).not.toHaveProperty('reason');
  });
});
