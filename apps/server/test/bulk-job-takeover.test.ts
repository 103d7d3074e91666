/**
 * HDNS_BIND_LEASE: a bulk import whose holder stops answering ends exactly once. Two server
 * processes on one PostgreSQL and one Redis, each with a managed named. The holder runs a long
 * import (forwarded from the other instance); then it is frozen (SIGSTOP, as a long GC pause or
 * a suspended VM would), the other instance takes the lease and ends the job as interrupted.
 * The old holder is then resumed with the job still alive in its memory, believing for a moment
 * that it still holds the lease. Its job must not store another chunk, nor its outcome, nor a
 * second bulk_operation_complete for the same job id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allEvents,
  startClusterServices,
  waitFor,
  type ClusterServices,
  type ProcessServer,
} from '@hdns/testkit';
import { createZoneOnHolder, startLeaseInstance } from './lease-instances.js';

const ZONE = 'bulk-takeover.test';
let services: ClusterServices;
let a: ProcessServer;
let b: ProcessServer;
let token: string;
/** Set while A is frozen, so afterAll can thaw it before stopping it. */
let frozen = false;

const instance = async () => (await startLeaseInstance(services.env)).server;

beforeAll(async () => {
  services = await startClusterServices();
  a = await instance();
  token = (await a.login()).accessToken;
  await createZoneOnHolder(a, token, ZONE);
  b = await instance();
}, 120_000);

afterAll(async () => {
  if (frozen) a.proc.child.kill('SIGCONT');
  await b?.close();
  await a?.close();
  await services?.close();
});

interface JobView {
  status: string;
  processed: number;
  succeeded: number;
  stopReason: string | null;
}

describe('a bulk import across a takeover', () => {
  it('the frozen holder, resumed, adds no chunk and no second bulk_operation_complete', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => ({
      name: `bulk${i}`,
      type: 'A',
      value: '192.0.2.40',
    }));
    const started = await b.api(`/api/zones/${ZONE}/records/import`, {
      token,
      body: { format: 'json', data: rows },
    });
    expect(started.status).toBe(202);
    const jobId = (started.body as { id: string }).id;
    const job = async () => (await b.api(`/api/jobs/${jobId}`, { token })).body as JobView;
    const completions = async () =>
      (await allEvents(b.url, token, { type: 'bulk_operation_complete' })).filter(
        (e) => (e.data as { jobId?: string }).jobId === jobId,
      );
    await waitFor(async () => (await job()).processed > 0, 30_000, 'the import under way', 100);

    a.proc.child.kill('SIGSTOP');
    frozen = true;
    const frozenAt = Date.now();
    // B takes the lease once A's expires, and ends A's job at its takeover. (Reads only: a
    // write sent to B now would be forwarded to the frozen A and wait for its timeout.) If A
    // froze inside a chunk's transaction, its row locks hold B's takeover until PostgreSQL ends
    // that idle transaction (30 s, postgres-dialect.ts): hence up to 60 s.
    await waitFor(async () => (await job()).status !== 'running', 60_000, 'B ends the job', 250);
    console.log(`bulk takeover: B ended the job ${Date.now() - frozenAt} ms after A froze`);
    const write = await b.api(`/api/zones/${ZONE}/records`, {
      token,
      body: { name: 'after', type: 'A', value: '192.0.2.41' },
    });
    expect(write.status).toBe(201);
    const ended = await job();
    expect(ended).toMatchObject({ status: 'failed', stopReason: 'interrupted by a restart' });
    expect(await completions()).toHaveLength(1);

    // A wakes up with the job in its memory: its next commit meets the fence (or a lease it
    // no longer holds) and the job dies there. Wait for that, or for a second completion.
    a.proc.child.kill('SIGCONT');
    frozen = false;
    await waitFor(
      async () => a.proc.output().includes(jobId) || (await completions()).length > 1,
      30_000,
      "A's stale job to stop",
      250,
    );
    // A little longer, so a job that survived its first refusal would show itself.
    await new Promise((r) => setTimeout(r, 3000));
    const events = await completions();
    expect(events.map((e) => (e.data as { status: string }).status)).toEqual(['failed']);
    // The row is as B's takeover left it: no chunk of A stored since, no outcome of A's.
    expect(await job()).toEqual(ended);
    expect(a.proc.child.exitCode).toBeNull();
    expect((await a.api('/healthz')).status).toBe(200);
    const stale = a.proc
      .output()
      .split('\n')
      .filter((l) => l.includes(jobId))
      .map((l) => l.slice(0, 300));
    console.log(`bulk takeover: A's log about the job:\n${stale.join('\n')}`);
  }, 180_000);
});
