import { beforeEach, expect, it } from 'vitest';
import type { Identity } from '../src/auth/identity.js';
import { BulkJobs, INTERRUPTED_REASON, type ApplyChunk } from '../src/dns/bulk-jobs.js';
import { Outbox } from '../src/outbox/outbox.js';
import { OutboxStore } from '../src/outbox/outbox-store.js';
import type { Db } from '../src/storage/db.js';
import { describeStorage } from './storage-backends.js';

/**
 * BulkJobs.recover() meeting a job that is still alive, on a real app database (SQLite and
 * PostgreSQL). Under HDNS_BIND_LEASE recover() runs at every takeover, including when the same
 * process takes the lease again after giving BIND up on its timer (bind-lease.ts: a renewal
 * that came too late, then the same lease renewed): its own import may still be running. And
 * without the lease, every instance that starts runs recover() while another one's import
 * runs. Either way one job must get exactly one bulk_operation_complete, and a row that was
 * ended must stay ended.
 */

let db: Db;
let outbox: Outbox;
const noRelay = { committed: () => Promise.resolve() };
const log = { error: () => undefined, warn: () => undefined };

const admin: Identity = {
  userId: 'u1',
  username: 'admin',
  role: 'admin',
  zones: null,
  expiresAt: new Date(Date.now() + 3_600_000),
  tokenId: 't1',
  tokenVersion: 1,
};

/** A chunk applier that waits at `gate` before its first commit (a slow BIND step). */
function gated(): { apply: ApplyChunk<string>; release: () => void; reached: Promise<void> } {
  let release!: () => void;
  let arrive!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const reached = new Promise<void>((r) => (arrive = r));
  const apply: ApplyChunk<string> = async (_items, chunk) => {
    arrive();
    await gate;
    await chunk.check();
    await outbox.commit(chunk.events, (trx) => chunk.write(trx));
  };
  return { apply, release, reached };
}

async function start(jobs: BulkJobs, apply: ApplyChunk<string>): Promise<string> {
  const items = Array.from({ length: 4 }, (_, i) => ({ line: i + 1, value: `r${i}` }));
  const job = await jobs.start(admin, {
    kind: 'record_import',
    zone: 'z.test',
    total: items.length,
    invalid: [],
    items,
    apply,
    chunkSize: 2,
  });
  return job.id;
}

/** The bulk_operation_complete statuses the outbox holds for `jobId`, oldest first. */
async function completions(jobId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('outbox')
    .select('data')
    .where('type', '=', 'bulk_operation_complete')
    .orderBy('seq')
    .execute();
  return rows
    .map((r) => JSON.parse(r.data) as { jobId: string; status: string })
    .filter((d) => d.jobId === jobId)
    .map((d) => d.status);
}

describeStorage('bulk job recovery against a live job', (open) => {
  beforeEach(async () => {
    db = await open();
    outbox = new Outbox(db, new OutboxStore(db), noRelay);
  });

  it('the same process taking the lease again leaves its own running job be', async () => {
    const jobs = new BulkJobs(db, outbox, log);
    const { apply, release, reached } = gated();
    const id = await start(jobs, apply);
    await reached;
    // The re-takeover's recovery, while this process still runs the job.
    expect(await jobs.recover()).toBe(0);
    release();
    await jobs.settle(id);
    expect(await completions(id)).toEqual(['succeeded']);
    expect(await jobs.get(id)).toMatchObject({ status: 'succeeded', processed: 4, succeeded: 4 });
  });

  it("another process's recovery ends the job once: the live run stores nothing more", async () => {
    const runner = new BulkJobs(db, outbox, log);
    const { apply, release, reached } = gated();
    const id = await start(runner, apply);
    await reached;
    // Another instance (its own BulkJobs) ends the job it believes dead.
    expect(await new BulkJobs(db, outbox, log).recover()).toBe(1);
    release();
    await runner.settle(id);
    expect(await completions(id)).toEqual(['failed']);
    expect(await runner.get(id)).toMatchObject({
      status: 'failed',
      stopReason: INTERRUPTED_REASON,
      processed: 0,
    });
  });
});
