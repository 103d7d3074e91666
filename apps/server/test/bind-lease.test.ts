/**
 * HDNS_BIND_LEASE: two instances on one PostgreSQL and one Redis, each able to run a managed
 * named on ports of its own. Only the lease holder's named runs; a DNS write made on the other
 * instance is forwarded to the holder and answered once the holder's named serves it. When the
 * holder dies (SIGKILL, and its named with it, as when its machine goes), the other instance
 * takes the lease, renders every zone from the database into its own named, and DNS writes
 * continue there: nothing lost, nothing applied twice.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startClusterServices,
  startProcessServer,
  TestClient,
  waitFor,
  waitForValue,
  type ClusterServices,
  type ProcessServer,
} from '@hdns/testkit';
import { dig, freeBindPorts, type BindPorts } from './bind-helpers.js';
import { createZoneOnHolder, startLeaseInstance } from './lease-instances.js';

let services: ClusterServices;
let a: ProcessServer;
let b: ProcessServer;
let d: ProcessServer | undefined;
let portsA: BindPorts;
let portsB: BindPorts;
let token: string;
let shared: Record<string, string>;

const instance = async (ports: BindPorts) => (await startLeaseInstance(shared, ports)).server;

beforeAll(async () => {
  services = await startClusterServices();
  // Monitors on: the BIND status monitor runs on the holder only (see the takeover test).
  shared = {
    ...services.env,
    HDNS_MONITORS: 'true',
    HDNS_BIND_STATUS_INTERVAL: '1s',
  };
  portsA = await freeBindPorts();
  a = await instance(portsA);
  token = (await a.login()).accessToken;
  // A is alone: it takes the lease and starts its named; writes wait for that (503 meanwhile).
  await createZoneOnHolder(a, token, 'lease.test');
  portsB = await freeBindPorts();
  b = await instance(portsB);
}, 120_000);

afterAll(async () => {
  await d?.close();
  await b?.close();
  await a?.close();
  await services?.close();
});

const record = (s: ProcessServer, name: string) =>
  s.api('/api/zones/lease.test/records', {
    token,
    body: { name, type: 'A', value: '192.0.2.10' },
  });

/** dig answers of `name` from a named, or null when nothing answers on that port. */
const answers = (port: number, name: string) =>
  dig(port, `${name}.lease.test`).then(
    (r) => r.answers,
    () => null,
  );

const namedPidOf = async (s: ProcessServer) =>
  Number((await readFile(path.join(s.dataDir, 'bind', 'named.pid'), 'utf8')).trim());

describe('the BIND lease', () => {
  it('forwards a write made on the other instance to the holder, whose named serves it', async () => {
    const res = await record(b, 'www1');
    expect(res.status).toBe(201);
    expect(await answers(portsA.dns, 'www1')).toEqual(['192.0.2.10']);
    // B does not drive BIND: its named is not running.
    expect(await answers(portsB.dns, 'www1')).toBeNull();
  }, 30_000);

  it('the holder dies: B takes over, renders every zone, ends the jobs A left, and DNS writes continue', async () => {
    // A long import on the holder (forwarded from B); an instance starting meanwhile leaves it be.
    const rows = Array.from({ length: 50_000 }, (_, i) => ({
      name: `bulk${i}`,
      type: 'A',
      value: '192.0.2.30',
    }));
    const started = await b.api('/api/zones/lease.test/records/import', {
      token,
      body: { format: 'json', data: rows },
    });
    expect(started.status).toBe(202);
    const jobId = (started.body as { id: string }).id;
    const job = async () =>
      (await b.api(`/api/jobs/${jobId}`, { token })).body as {
        status: string;
        processed: number;
        stopReason: string | null;
      };
    await waitFor(async () => (await job()).processed > 0, 30_000, 'the import under way', 100);
    const c = await startProcessServer({
      env: { ...shared, HDNS_BIND_LEASE: 'true', HDNS_BIND_MODE: 'off' },
    });
    await c.close();
    expect((await job()).status).toBe('running');

    const namedPid = Number(
      (await readFile(path.join(a.dataDir, 'bind', 'named.pid'), 'utf8')).trim(),
    );
    const killedAt = Date.now();
    await a.proc.kill();
    process.kill(namedPid, 'SIGKILL');
    // Writes during the takeover fail with a stable code, and nothing is stored for them.
    const refusals = new Map<string, number>();
    await waitFor(
      async () => {
        const res = await record(b, 'www2');
        if (res.status === 201) return true;
        const code = (res.body as { code: string }).code;
        refusals.set(code, (refusals.get(code) ?? 0) + 1);
        return false;
      },
      40_000,
      'a write on B after the takeover',
      250,
    );
    const takeoverMs = Date.now() - killedAt;
    console.log(`BIND lease takeover: first write served ${takeoverMs} ms after the kill`);
    expect([...refusals.keys()].every((c) => c === 'BIND_UNAVAILABLE')).toBe(true);
    // B's named serves what A's served (rendered from the database) and the new write.
    expect(await answers(portsB.dns, 'www1')).toEqual(['192.0.2.10']);
    expect(await answers(portsB.dns, 'www2')).toEqual(['192.0.2.10']);
    const listed = (
      (await b.api('/api/zones/lease.test/records', { token })).body as {
        records: { name: string }[];
      }
    ).records.map((r) => r.name);
    expect(listed.filter((n) => n === 'www2')).toHaveLength(1);
    // The new holder ended the job A was running, as interrupted, at its takeover (its takeover
    // listeners run once BIND is up, so a first write may be served just before that).
    const ended = await waitForValue(job, (j) => j.status !== 'running', 'the job ended');
    expect(ended).toMatchObject({ status: 'failed', stopReason: 'interrupted by a restart' });
    // Its BIND status monitor started with the takeover (A, which ran one, is dead): B's named.
    const { client } = await TestClient.connect(b.wsUrl, { token, subscribe: ['bind_status'] });
    try {
      const [status] = await client.waitForEvents(1, 15_000);
      expect(status?.data).toMatchObject({ running: true, managed: true });
    } finally {
      client.close();
    }
  }, 60_000);

  it("the holder's named stays down: it gives the lease back and another instance takes over", async () => {
    const portsD = await freeBindPorts();
    d = await instance(portsD);
    // B holds the lease. Its named dies, and every restart fails: the rndc key named.conf
    // includes is no longer a file (named refuses its configuration).
    const key = path.join(b.dataDir, 'bind', 'rndc.key');
    await rename(key, `${key}.moved`);
    await mkdir(key);
    process.kill(await namedPidOf(b), 'SIGKILL');
    // Five failed restarts (0.5 + 1 + 2 + 4 + 8 s apart), then the supervisor gives up, B gives
    // the lease back at once, and D takes it over and renders every zone into its named.
    await waitFor(
      async () => (await answers(portsD.dns, 'www2')) !== null,
      60_000,
      "D's named serves the zones",
      500,
    ).catch((e: unknown) => {
      console.log('B>>>', b.proc.output().slice(-6000), '\nD>>>', d?.proc.output().slice(-3000));
      throw e;
    });
    expect(await answers(portsD.dns, 'www1')).toEqual(['192.0.2.10']);
    // Writes made on B now go to D.
    await waitFor(
      async () => (await record(b, 'www3')).status === 201,
      15_000,
      'a write on B served by D',
      250,
    );
    expect(await answers(portsD.dns, 'www3')).toEqual(['192.0.2.10']);
    expect(await answers(portsB.dns, 'www3')).toBeNull();
  }, 90_000);

  it('SIGTERM on the holder while Redis is down: named stops and the process exits promptly', async () => {
    const holder = d;
    if (!holder) throw new Error('needs the previous test');
    const namedPid = await namedPidOf(holder);
    await services.redis.stop();
    try {
      const started = Date.now();
      await holder.proc.stop();
      const tookMs = Date.now() - started;
      console.log(`SIGTERM with Redis down: exited after ${tookMs} ms`);
      expect(holder.proc.child.exitCode).toBe(0);
      // Within systemd's TimeoutStopSec (30 s) with room to spare: nothing waits for Redis.
      expect(tookMs).toBeLessThan(15_000);
      // Its named is gone with it.
      expect(() => process.kill(namedPid, 0)).toThrow();
    } finally {
      await services.redis.restart();
    }
  }, 60_000);
});
