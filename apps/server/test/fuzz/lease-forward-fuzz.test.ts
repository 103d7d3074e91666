/**
 * Fuzzing the BIND lease's write forwarding (bind/lease-forward.ts): two server processes on one
 * PostgreSQL and one Redis, each with a managed named of its own (as bind-lease.test.ts starts
 * them). A few hundred seeded, hostile DNS writes go to the instance that does NOT hold the
 * lease: broken bodies, forged forwarding headers, odd paths and methods, bad sign-ins. Each one
 * is broken on purpose (lease-forward-cases.ts), so none may succeed and none may change data.
 * Then the holder itself is sent writes with a wrong forwarding token: 503 BIND_UNAVAILABLE,
 * nothing stored, nothing served.
 */
import { execFile } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@hdns/protocol';
import { startClusterServices, type ClusterServices, type ProcessServer } from '@hdns/testkit';
import { dig, type BindPorts } from '../bind-helpers.js';
import { describeCase, encodeLeaseCase, FUZZ_ZONE, leaseCase } from './lease-forward-cases.js';
import { rawExchange, type RawResponse } from './raw-wire.js';
import { createZoneOnHolder, startLeaseInstance, type LeaseInstance } from '../lease-instances.js';

const SEED = 20261206;
const CASES = 300;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CATALOGUE = new Set<string>(ERROR_CODES);

let services: ClusterServices;
let holder: ProcessServer;
let other: ProcessServer;
let holderPorts: BindPorts;
let token: string;

async function instance(ports?: BindPorts): Promise<LeaseInstance> {
  // The fuzz cases come from one address, far more than the REST rate limit allows.
  return startLeaseInstance({ ...services.env, HDNS_RATE_LIMIT_MAX: '1000000' }, ports);
}

beforeAll(async () => {
  services = await startClusterServices();
  ({ server: holder, ports: holderPorts } = await instance());
  token = (await holder.login()).accessToken;
  // Alone, it takes the lease; writes answer 503 until its named runs.
  await createZoneOnHolder(holder, token, FUZZ_ZONE);
  const known = await holder.api(`/api/zones/${FUZZ_ZONE}/records`, {
    token,
    body: { name: 'known', type: 'A', value: '192.0.2.10' },
  });
  expect(known.status).toBe(201);
  other = (await instance()).server;
  // The other instance forwards: a write made there is served by the holder's named.
  const via = await other.api(`/api/zones/${FUZZ_ZONE}/records`, {
    token,
    body: { name: 'via', type: 'A', value: '192.0.2.11' },
  });
  expect(via.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await other?.close();
  await holder?.close();
  await services?.close();
});

/** Everything the DNS writes could have changed, as the shared database holds it. */
async function snapshot(): Promise<string> {
  const paths = [
    '/api/zones',
    `/api/zones/${FUZZ_ZONE}/records`,
    '/api/forwarders',
    '/api/rpz/rules',
  ];
  const parts = await Promise.all(
    paths.map(async (p) => {
      const res = await holder.api(p, { token });
      if (res.status !== 200) throw new Error(`GET ${p}: ${res.status}`);
      return res.body;
    }),
  );
  return JSON.stringify(parts);
}

const portOf = (s: ProcessServer) => Number(new URL(s.url).port);

/** The catalogue code of a JSON error body, or why the body is not one. */
function errorCode(res: RawResponse): { code?: string; problem?: string } {
  // Success bodies are the routes' own; only error answers must be catalogue ones.
  if (res.status < 400) return {};
  if (!/content-type: *application\/json/i.test(res.head) || res.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    return { problem: 'a JSON content type with a body that is not JSON' };
  }
  const { code, message } = (parsed ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !CATALOGUE.has(code)) {
    return { problem: `code outside the catalogue: ${JSON.stringify(code)}` };
  }
  if (typeof message !== 'string') return { problem: `${code} without a message` };
  return { code };
}

/** Why an answer to a broken case is a bug, or null. */
function verdict(method: string, res: RawResponse): string | null {
  if (res.status === 0) return 'no HTTP answer';
  const { code, problem } = errorCode(res);
  if (problem) return problem;
  if (res.status >= 200 && res.status < 300 && WRITES.has(method)) {
    return `a broken write succeeded (${res.status})`;
  }
  if (code === 'INTERNAL' || (res.status >= 500 && code === undefined)) {
    return `${res.status} ${res.body.slice(0, 200)}`;
  }
  // The holder is alive and answering: an unknown outcome would be a forwarding bug.
  if (code === 'BIND_OUTCOME_UNKNOWN') return `${res.status} BIND_OUTCOME_UNKNOWN`;
  return null;
}

/** The lease as Redis holds it (the key is bind-lease.ts's: `{prefix}:bind:lease`). */
function leaseToken(): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      'redis-cli',
      ['-p', String(services.redis.port), 'GET', '{hdns}:bind:lease'],
      (err, stdout) => {
        if (err) return reject(new Error(`redis-cli: ${err.message}`));
        resolve(Number((JSON.parse(stdout) as { token: number }).token));
      },
    );
  });
}

const answers = (name: string) =>
  dig(holderPorts.dns, `${name}.${FUZZ_ZONE}`).then((r) => r.answers);

describe('fuzzing the forwarding of DNS writes under the BIND lease', () => {
  it(`${CASES} broken writes at the non-holder: catalogue errors only, nothing changes`, async () => {
    const before = await snapshot();
    const cases = fc.sample(leaseCase(token), { seed: SEED, numRuns: CASES });
    const failures: string[] = [];
    const tally = new Map<string, number>();
    for (const c of cases) {
      const res = await rawExchange({ port: portOf(other) }, encodeLeaseCase(c), {
        quietMs: 2000,
        maxMs: 15_000,
      });
      const key = `${c.breaker}: ${res.status} ${errorCode(res).code ?? '-'}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
      const why = verdict(c.method, res);
      if (why) failures.push(`${describeCase(c)}: ${why}`);
    }
    console.log(
      `lease-forward fuzz: ${cases.length} cases; answers ${JSON.stringify(Object.fromEntries(tally))}`,
    );
    expect(failures).toEqual([]);
    // Both processes live, the holder's named serves what it served, the data is as it was.
    for (const s of [holder, other]) {
      expect(s.proc.child.exitCode).toBeNull();
      expect((await s.api('/healthz')).status).toBe(200);
    }
    expect(await answers('known')).toEqual(['192.0.2.10']);
    expect(await snapshot()).toBe(before);
  }, 90_000);

  it('every spelling of a valid write that the router accepts is forwarded to the holder', async () => {
    // The router decodes percent-encoding before matching; the forwarding must see the same
    // route, or the non-holder runs the write itself (its BIND is not running).
    const port = portOf(other);
    const spellings = [
      `/api/zones/${FUZZ_ZONE}/records`,
      `/api/zones/${FUZZ_ZONE}/records?x=1`,
      `/api/zones/${FUZZ_ZONE.replace('.', '%2E')}/records`,
      `/api/zones/${FUZZ_ZONE}/%72ecords`,
      `/api/%7Aones/${FUZZ_ZONE}/records`,
      `/api/%7aones/${FUZZ_ZONE}/records`,
    ];
    const outcomes: { path: string; status: number; code?: string }[] = [];
    for (const [i, p] of spellings.entries()) {
      const body = JSON.stringify({ name: `spelt${i}`, type: 'A', value: '192.0.2.77' });
      const req =
        `POST ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n` +
        `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body}`;
      const res = await rawExchange({ port }, req, { quietMs: 2000, maxMs: 15_000 });
      outcomes.push({ path: p, status: res.status, ...errorCode(res) });
    }
    // Not routed (404/400) is fine; routed means forwarded: 201, served by the holder's named.
    const routedHere = outcomes.filter(
      (o) => o.status !== 201 && o.status !== 404 && o.status !== 400,
    );
    expect(routedHere).toEqual([]);
    for (const [i, o] of outcomes.entries()) {
      if (o.status === 201) expect(await answers(`spelt${i}`)).toEqual(['192.0.2.77']);
    }
  }, 60_000);

  it('an import spelled with an encoded letter is not started on the non-holder', async () => {
    // Were it run there, its first commit is refused (not the holder) and the job row stays
    // `running` until some later takeover ends it as interrupted.
    const body = JSON.stringify({
      format: 'json',
      data: [{ name: 'imported', type: 'A', value: '192.0.2.78' }],
    });
    const req =
      `POST /api/%7Aones/${FUZZ_ZONE}/records/import HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Connection: close\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const res = await rawExchange({ port: portOf(other) }, req, { quietMs: 2000, maxMs: 15_000 });
    if (res.status !== 202) return;
    const id = (JSON.parse(res.body) as { id: string }).id;
    const deadline = Date.now() + 10_000;
    let status = 'running';
    while (status === 'running' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      status = ((await holder.api(`/api/jobs/${id}`, { token })).body as { status: string }).status;
    }
    expect(status).toBe('succeeded');
  }, 30_000);

  it('the holder refuses a write carrying a wrong forwarding token: 503, nothing changed', async () => {
    const current = await leaseToken();
    const before = await snapshot();
    const wrong = [
      String(current + 1),
      String(current - 1),
      String(-current),
      '0',
      '',
      'abc',
      '1e999',
      `${current}, ${current}`,
      `[${current}]`,
    ];
    for (const value of wrong) {
      const res = await holder.api(`/api/zones/${FUZZ_ZONE}/records`, {
        token,
        body: { name: 'fenced', type: 'A', value: '192.0.2.66' },
        headers: { 'x-hdns-lease-token': value },
      });
      expect({ value, status: res.status, body: res.body }).toMatchObject({
        value,
        status: 503,
        body: { code: 'BIND_UNAVAILABLE' },
      });
    }
    expect(await snapshot()).toBe(before);
    expect(await answers('fenced')).toEqual([]);
    // The holder's own token is accepted: the refusals above are the token's doing.
    const right = await holder.api(`/api/zones/${FUZZ_ZONE}/records`, {
      token,
      body: { name: 'fenced', type: 'A', value: '192.0.2.66' },
      headers: { 'x-hdns-lease-token': String(current) },
    });
    expect(right.status).toBe(201);
    expect(await answers('fenced')).toEqual(['192.0.2.66']);
  }, 30_000);
});
