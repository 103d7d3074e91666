import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiInit } from '@hdns/testkit';
import { restartableServer, type RestartableServer } from './process.js';

/**
 * A bulk import killed mid-job. The real server process runs a record import of three chunks
 * (500 lines each) with the test-only fault point `bulk-after-chunk` armed (HDNS_TEST_CRASH_AT):
 * it dies by SIGKILL right after the first chunk committed. The SQLite files are read between
 * the crash and the restart: the chunk's records, the job row's counts and the chunk's
 * bulk_operation_progress are all there (they commit in one transaction). After a clean restart
 * the job is ended `failed` with "interrupted by a restart" and exactly one
 * bulk_operation_complete says so; a second restart adds nothing.
 */

const PASSWORD = 'bulk-crash-password';
const ZONE = 'bulk-crash.test';
const LINES = 1500;
const CHUNK = 500; // the record import's chunk size (zone-routes.ts uses the default)
let srv: RestartableServer;
const api = (pathname: string, init?: ApiInit) => srv.api(pathname, init);

interface JobRow {
  id: string;
  status: string;
  processed: number;
  succeeded: number;
}

interface BulkData {
  jobId: string;
  processed?: number;
  succeeded: number;
  status?: string;
  reason?: string;
}

/** What the files hold: the job rows, the zone's record names, outbox rows, logged bulk events. */
function readFiles(): {
  jobs: JobRow[];
  records: string[];
  outbox: number;
  progress: BulkData[];
  complete: BulkData[];
} {
  return srv.readFiles((app, events) => {
    const jobs = app
      .prepare('SELECT id, status, processed, succeeded FROM bulk_jobs')
      .all() as JobRow[];
    const records = (
      app
        .prepare(
          'SELECT r.name AS name FROM records r JOIN zones z ON z.id = r.zone_id WHERE z.name = ?',
        )
        .all(ZONE) as { name: string }[]
    ).map((r) => r.name);
    const outbox = (app.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
    const logged = (type: string) =>
      (
        events.prepare('SELECT body FROM hub_events WHERE type = ? ORDER BY seq').all(type) as {
          body: string;
        }[]
      ).map((b) => (JSON.parse(b.body) as { data: BulkData }).data);
    return {
      jobs,
      records,
      outbox,
      progress: logged('bulk_operation_progress'),
      complete: logged('bulk_operation_complete'),
    };
  });
}

beforeAll(async () => {
  srv = await restartableServer({
    prefix: 'hdns-bulk-crash-',
    adminPassword: PASSWORD,
    zones: [ZONE],
  });
}, 60_000);

afterAll(async () => {
  await srv?.close();
});

describe('bulk import: a chunk and its progress event survive a crash together', () => {
  it('killed after the first chunk: its records and progress are stored once, and the restart ends the job as interrupted', async () => {
    const rows = Array.from({ length: LINES }, (_, i) => ({
      name: `b${i}`,
      type: 'A',
      value: '192.0.2.20',
    }));
    // The 202 usually leaves before the job's first chunk commits, but the crash may win.
    const answer = await srv.crashAt('bulk-after-chunk', () =>
      api(`/api/zones/${ZONE}/records/import`, {
        method: 'POST',
        body: { format: 'json', data: rows },
      }).then(
        (r) => r.status,
        () => null,
      ),
    );
    expect([202, null]).toContain(answer);

    // Between crash and restart: the first chunk, its counts and its progress, nothing more.
    const between = readFiles();
    expect(between.jobs).toHaveLength(1);
    const job = between.jobs[0];
    if (!job) throw new Error('no job row');
    expect(job).toMatchObject({ status: 'running', processed: CHUNK, succeeded: CHUNK });
    expect(new Set(between.records)).toEqual(new Set(rows.slice(0, CHUNK).map((r) => r.name)));
    expect(between.records).toHaveLength(CHUNK);
    const chunkProgress = (list: BulkData[]) =>
      list.filter((d) => d.jobId === job.id && d.processed === CHUNK);
    // Relayed before the fault point (a commit waits for its relay) or still in the outbox.
    expect(chunkProgress(between.progress).length + between.outbox).toBe(1);
    expect(between.complete).toHaveLength(0);

    await srv.start();
    const after = readFiles();
    expect(after.outbox).toBe(0);
    expect(after.records).toHaveLength(CHUNK);
    expect(chunkProgress(after.progress)).toHaveLength(1);
    expect(after.progress.filter((d) => d.jobId === job.id && (d.processed ?? 0) > CHUNK)).toEqual(
      [],
    );
    expect(after.complete).toEqual([
      expect.objectContaining({
        jobId: job.id,
        status: 'failed',
        succeeded: CHUNK,
        failed: 0,
        total: LINES,
        reason: 'interrupted by a restart',
      }),
    ]);
    // The same through the API: the job's status and the event history.
    const status = await api(`/api/jobs/${job.id}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      status: 'failed',
      processed: CHUNK,
      succeeded: CHUNK,
      stopReason: 'interrupted by a restart',
    });
    expect((status.body as { finishedAt: string | null }).finishedAt).not.toBeNull();
    const history = await api('/api/events?type=bulk_operation_complete&order=asc&limit=500');
    expect(history.status).toBe(200);
    const completes = (history.body as { events: { data: BulkData }[] }).events.filter(
      (e) => e.data.jobId === job.id,
    );
    expect(completes.map((e) => e.data.reason)).toEqual(['interrupted by a restart']);

    // A further restart finds nothing left running: still one complete event.
    await srv.stop();
    await srv.start();
    expect(readFiles().complete.filter((d) => d.jobId === job.id)).toHaveLength(1);
    await srv.stop();
  }, 120_000);
});
