/**
 * HDNS_BIND_LEASE when Redis loses the lease key under a live holder (an operator's DEL, a
 * FLUSHALL, a Redis restarted without persistence, a failover to a replica that had not got
 * the key). The holder's next round finds no lease and takes it again, with a new fencing token
 * (bind-lease.ts ACQUIRE increments the counter), while it still holds BIND. DNS writes must go
 * on being served: the database fence (bind-fence.ts) has to follow the new token.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startClusterServices,
  waitFor,
  type ClusterServices,
  type ProcessServer,
} from '@hdns/testkit';
import { dig, type BindPorts } from './bind-helpers.js';
import { createZoneOnHolder, startLeaseInstance } from './lease-instances.js';

const ZONE = 'key-loss.test';
let services: ClusterServices;
let a: ProcessServer;
let ports: BindPorts;
let token: string;

function redis(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-p', String(services.redis.port), ...args], (err, stdout) =>
      err ? reject(new Error(`redis-cli: ${err.message}`)) : resolve(stdout.trim()),
    );
  });
}

/** The lease's token, or 0 while no lease is held (one GET: the holder may give it back at any time). */
async function leaseToken(): Promise<number> {
  const raw = await redis('GET', '{hdns}:bind:lease');
  return raw === '' ? 0 : Number((JSON.parse(raw) as { token: number }).token);
}

beforeAll(async () => {
  services = await startClusterServices();
  ({ server: a, ports } = await startLeaseInstance(services.env));
  token = (await a.login()).accessToken;
  await createZoneOnHolder(a, token, ZONE);
}, 120_000);

afterAll(async () => {
  await a?.close();
  await services?.close();
});

/** Waits for a write to be served; on timeout, says what the writes answered. */
async function served(name: string, withinMs = 20_000): Promise<void> {
  const answers = new Map<string, number>();
  await waitFor(
    async () => {
      const res = await a.api(`/api/zones/${ZONE}/records`, {
        token,
        body: { name, type: 'A', value: '192.0.2.50' },
      });
      if (res.status === 201) return true;
      const key = `${res.status} ${JSON.stringify(res.body).slice(0, 160)}`;
      answers.set(key, (answers.get(key) ?? 0) + 1);
      return false;
    },
    withinMs,
    `a write of ${name}`,
    500,
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}; answers: ${JSON.stringify([...answers])}`);
  });
  expect((await dig(ports.dns, `${name}.${ZONE}`)).answers).toEqual(['192.0.2.50']);
}

describe('the BIND lease key lost under a live holder', () => {
  it('DEL of the lease key: the holder takes it again and writes are still served', async () => {
    const before = await leaseToken();
    await redis('DEL', '{hdns}:bind:lease');
    // The next round (every 2 s) takes the lease again, under a new token.
    await waitFor(async () => (await leaseToken()) > before, 10_000, 'the lease taken again');
    await served('after-del');
  }, 60_000);

  it('the lease and its token counter lost: tokens restart below the fence, and recover above it', async () => {
    await redis('DEL', '{hdns}:bind:lease', '{hdns}:bind:token');
    // The holder takes the lease again under token 1, which the database's fence (at 2 or more)
    // refuses: it raises Redis's counter past the fence, gives the lease back, sits out one
    // period, then takes it under a token above the fence and renders every zone again.
    await waitFor(async () => (await leaseToken()) > 2, 40_000, 'the lease above the fence', 250);
    await served('after-counter-loss');
  }, 90_000);
});
