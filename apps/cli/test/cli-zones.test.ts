/**
 * `hdns zones import|export` against the real server driving a real named, the CLI running as a
 * child process: a zone file imported into a new zone with its progress shown, exported back as
 * BIND and JSON, and a file BIND cannot read refused with its line numbers (exit 1).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  startProcessServer,
  TEST_ADMIN_PASSWORD,
  type ProcessServer,
} from '@hdns/testkit';
import { makeConfigDir, runCli } from './cli-process.js';

let server: ProcessServer;
let dir: string;
let remove: () => Promise<void>;

const ZONE_FILE = `$ORIGIN cli.test.
$TTL 600
@ IN SOA ns1 hostmaster ( 1 3600 900 1209600 300 )
  IN NS ns1
ns1 IN A 192.0.2.1
www IN A 192.0.2.80
@ IN MX 10 mail.cli.test.
mail IN A 192.0.2.25
@ IN TXT "hello from a file"
`;

beforeAll(async () => {
  server = await startProcessServer({
    env: {
      HDNS_BIND_MODE: 'managed',
      HDNS_BIND_DNS_PORT: String(await freePort()),
      HDNS_BIND_RNDC_PORT: String(await freePort()),
      HDNS_BIND_STATS_PORT: String(await freePort()),
    },
  });
  ({ dir, remove } = await makeConfigDir());
  const login = await runCli(
    ['login', '--url', server.url, '--user', 'admin', '--password-stdin'],
    dir,
    `${TEST_ADMIN_PASSWORD}\n`,
  );
  expect(login.code, login.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await remove?.();
});

describe('hdns zones', () => {
  it('imports a zone file into a new zone and exports it as BIND and JSON', async () => {
    const file = path.join(dir, 'cli.test.zone');
    await writeFile(file, ZONE_FILE);
    const imported = await runCli(['zones', 'import', 'cli.test', '--file', file, '--create'], dir);
    expect(imported.stderr).toContain('hdns: importing: 0/6 records');
    expect(imported.stderr).toContain(
      'hdns: succeeded: 6 of 6 records imported into cli.test, 0 refused',
    );
    expect(imported.code).toBe(0);

    const out = path.join(dir, 'export.zone');
    const exported = await runCli(['zones', 'export', 'cli.test', '-o', out], dir);
    expect(exported.code, exported.stderr).toBe(0);
    const text = await readFile(out, 'utf8');
    expect(text).toMatch(/^\$ORIGIN cli\.test\.$/m);
    expect(text).toMatch(/^\$TTL 600$/m);
    expect(text).toMatch(/^www\t\tIN\tA\t192\.0\.2\.80$/m);
    expect(text).toMatch(/^@\t\tIN\tTXT\t"hello from a file"$/m);

    const json = await runCli(['zones', 'export', 'cli.test', '--format', 'json'], dir);
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout) as { zone: { name: string }; records: unknown[] };
    expect(body.zone.name).toBe('cli.test');
    expect(body.records).toHaveLength(6);
  });

  it('lists the lines of a file BIND cannot read and exits 1', async () => {
    const file = path.join(dir, 'bad.zone');
    await writeFile(file, ZONE_FILE.replace('192.0.2.80', '192.0.2.800'));
    const r = await runCli(['zones', 'import', 'bad.test', '--file', file, '--create'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HTTP 422 ZONE_FILE_INVALID');
    expect(r.stderr).toMatch(/line 6: .*bad dotted quad/);
  });

  it('refuses bad usage with exit code 2', async () => {
    const cases: [string[], string][] = [
      [['zones', 'import', 'x.test'], 'give exactly one of --file F and --axfr SERVER[:PORT]'],
      [['zones', 'import', 'x.test', '--axfr', '127.0.0.1', '--tsig', 'k:bad:s'], '--tsig must be'],
      [['zones', 'export', 'x.test', '--format', 'xml'], '--format must be bind or json'],
      [['zones', 'frob'], 'expected `hdns zones export`'],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv, dir);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
