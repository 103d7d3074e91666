/**
 * The live commands against the real server: `events --follow --json` shows an event emitted
 * through the admin API, `events --follow --type` and `tail queries --client` / `--domain` print
 * only matching events, a dropped connection is resumed with the missed events, and a kick ends
 * the command with exit code 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS, type EventDataOf, type EventType } from '@hdns/protocol';
import {
  startProcessServer,
  startProxy,
  TEST_ADMIN_PASSWORD,
  type ProcessServer,
  type TcpProxy,
} from '@hdns/testkit';
import { makeConfigDir, runCli, startCli, type CliRun } from './cli-process.js';

let server: ProcessServer;
let proxy: TcpProxy;
let adminToken: string;
let adminId: string;
let dir: string;
let removeDir: () => Promise<void>;
const running: CliRun[] = [];

beforeAll(async () => {
  server = await startProcessServer();
  const port = Number(new URL(server.url).port);
  proxy = await startProxy(port);
  const admin = await server.login();
  adminToken = admin.accessToken;
  adminId = admin.user.id;
  ({ dir, remove: removeDir } = await makeConfigDir());
  // The CLI talks to the server through the proxy, so the test can cut its connection.
  const login = await runCli(
    ['login', '--url', proxy.url, '--user', 'admin', '--password-stdin'],
    dir,
    `${TEST_ADMIN_PASSWORD}\n`,
  );
  expect(login.code).toBe(0);
});

afterAll(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  await proxy.close();
  await server.close();
  await removeDir();
});

function cli(args: string[]): CliRun {
  const run = startCli(args, dir);
  running.push(run);
  return run;
}

async function emit<T extends EventType>(type: T, data?: EventDataOf<T>): Promise<number> {
  const res = await server.api('/api/admin/events', {
    token: adminToken,
    body: { type, ...(data ? { data } : {}) },
  });
  expect(res.status).toBe(201);
  return (res.body as { seq: number }).seq;
}

const query = (qname: string, clientIp = '192.0.2.7'): EventDataOf<'dns_query_log'> => ({
  ...EXAMPLE_EVENTS.dns_query_log,
  qname,
  clientIp,
  qtype: 'A',
  flags: '+E(0)K',
  blocked: false,
  ts: '2026-11-22T12:34:05.000Z',
});

describe('hdns live commands against the real server', () => {
  it('events --follow --json prints an emitted event, history prints it as text', async () => {
    const follow = cli(['events', '--follow', '--json', '--category', 'dns']);
    await follow.waitFor('stderr', 'connected to');
    const zone = 'cli-follow.example';
    const seq = await emit('zone_created', { ...EXAMPLE_EVENTS.zone_created, zone });
    const line = await follow.waitFor('stdout', zone, 5_000);
    const event = JSON.parse(line);
    expect(event).toMatchObject({ event: 'zone_created', seq, category: 'dns' });
    expect(event.data.zone).toBe(zone);
    expect(await follow.interrupt()).toBe(0);

    const history = await runCli(['events', '--type', 'zone_created', '--limit', '3'], dir);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ zone_created ${zone} \\(primary\\) by admin$`,
        'm',
      ),
    );
  });

  it('events --follow --type prints only events of that type', async () => {
    const follow = cli(['events', '--follow', '--type', 'zone_deleted']);
    await follow.waitFor('stderr', 'connected to');
    await emit('zone_created', { ...EXAMPLE_EVENTS.zone_created, zone: 'type-a.example' });
    await emit('zone_deleted', { ...EXAMPLE_EVENTS.zone_deleted, zone: 'type-b.example' });
    await emit('zone_updated', { ...EXAMPLE_EVENTS.zone_updated, zone: 'type-c.example' });
    await emit('admin_broadcast');
    await emit('zone_deleted', { ...EXAMPLE_EVENTS.zone_deleted, zone: 'type-d.example' });
    // Events arrive in seq order, so once the last one is printed the others have been seen.
    await follow.waitFor('stdout', 'type-d.example');
    expect(follow.stdout).toHaveLength(2);
    expect(follow.stdout[0]).toMatch(/ zone_deleted type-b\.example by admin$/);
    expect(follow.stdout[1]).toMatch(/ zone_deleted type-d\.example by admin$/);
    expect(await follow.interrupt()).toBe(0);
  });

  it('tail queries --client prints only that client address, matched exactly', async () => {
    const tail = cli(['tail', 'queries', '--client', '198.51.100.9']);
    await tail.waitFor('stderr', 'connected to');
    await emit('dns_query_log', query('one.example.com', '192.0.2.7'));
    await emit('dns_query_log', query('two.example.com', '198.51.100.9'));
    await emit('dns_query_log', query('three.example.com', '198.51.100.90'));
    await emit('zone_created', { ...EXAMPLE_EVENTS.zone_created, zone: 'not-a-query.example' });
    await emit('dns_query_log', query('four.other.test', '198.51.100.9'));
    await tail.waitFor('stdout', 'four.other.test');
    expect(tail.stdout).toEqual([
      '12:34:05 198.51.100.9 two.example.com A +E(0)K',
      '12:34:05 198.51.100.9 four.other.test A +E(0)K',
    ]);
    expect(tail.stderr.join('\n')).not.toContain('redacted'); // an admin sees addresses
    expect(await tail.interrupt()).toBe(0);
  });

  it('tail queries --domain shows only matching names, and resumes after a dropped connection', async () => {
    const tail = cli(['tail', 'queries', '--domain', 'example.com']);
    await tail.waitFor('stderr', 'connected to');
    await emit('dns_query_log', query('www.example.com'));
    await emit('dns_query_log', query('www.other.test'));
    await emit('dns_query_log', query('API.Example.com.', '198.51.100.9'));
    await tail.waitFor('stdout', 'API.Example.com.');
    expect(tail.stdout).toEqual([
      '12:34:05 192.0.2.7 www.example.com A +E(0)K',
      '12:34:05 198.51.100.9 API.Example.com. A +E(0)K',
    ]);

    // Cut the network: the CLI reconnects with backoff and resumes without a gap.
    await proxy.pause();
    await tail.waitFor('stderr', /reconnecting \(attempt 1, next try in \d+\.\ds\)…/);
    await emit('dns_query_log', query('missed.example.com'));
    await emit('dns_query_log', query('missed.other.test'));
    await proxy.resume();
    await tail.waitFor('stderr', 'resumed, 2 missed events replayed');
    await tail.waitFor('stdout', 'missed.example.com');
    expect(tail.stdout).toHaveLength(3);
    expect(await tail.interrupt()).toBe(0);
  });

  it('follows all but the query log by default; a kick ends it with exit code 1', async () => {
    const follow = cli(['events', '--follow']);
    await follow.waitFor('stderr', 'connected to');
    // The default leaves the query-log firehose out; text lines are one per event.
    await emit('dns_query_log', query('hidden.example.com'));
    await emit('zone_deleted', { ...EXAMPLE_EVENTS.zone_deleted, zone: 'gone.example' });
    await follow.waitFor('stdout', / zone_deleted gone\.example by admin$/);
    expect(follow.stdout).toHaveLength(1);
    const res = await server.api(`/api/admin/connections/users/${adminId}`, {
      method: 'DELETE',
      token: adminToken,
    });
    expect(res.status).toBe(200);
    await follow.waitFor('stderr', 'connection closed by an administrator (kicked)');
    expect(await follow.exited).toBe(1);
  });
});
