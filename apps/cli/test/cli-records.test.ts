/**
 * `hdns records list|add|update|delete` against the real server driving a real named, the CLI
 * running as a child process: records added, changed and deleted show up in the zone BIND is
 * given (`zones export`), bad input is refused before any request (exit 2), and an unknown zone
 * or record exits 3.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliServer, type CliServer } from './cli-server.js';

const ZONE = 'records.cli.test';
const ZONE_FILE = `$ORIGIN ${ZONE}.
$TTL 600
@ IN SOA ns1 hostmaster ( 1 3600 900 1209600 300 )
  IN NS ns1
ns1 IN A 192.0.2.1
`;

interface RecordJson {
  id: string;
  name: string;
  type: string;
  ttl: number | null;
  value: string;
  priority: number | null;
  version: number;
}

let s: CliServer;

beforeAll(async () => {
  s = await startCliServer({ bind: true });
  const file = path.join(await s.configDir(), 'zone.txt');
  await writeFile(file, ZONE_FILE);
  const imported = await s.cli(['zones', 'import', ZONE, '--file', file, '--create']);
  expect(imported.code, imported.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await s?.close();
});

async function listJson(): Promise<RecordJson[]> {
  const r = await s.cli(['records', 'list', ZONE, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { records: RecordJson[] }).records;
}

describe('hdns records', () => {
  it('adds, lists, updates and deletes records', async () => {
    expect((await listJson()).map((r) => `${r.name} ${r.type} ${r.value}`)).toContain(
      'ns1 A 192.0.2.1',
    );

    const added = await s.cli(['records', 'add', ZONE, 'www', 'A', '192.0.2.80', '--ttl', '300']);
    expect(added.code, added.stderr).toBe(0);
    const id = added.stdout.trim();
    expect(added.stderr).toContain(`added www A 192.0.2.80 to ${ZONE}`);

    const mx = await s.cli([
      'records',
      'add',
      ZONE,
      '@',
      'MX',
      `mail.${ZONE}.`,
      '--priority',
      '10',
      '--json',
    ]);
    expect(mx.code, mx.stderr).toBe(0);
    expect(JSON.parse(mx.stdout)).toMatchObject({ type: 'MX', priority: 10 });

    const table = await s.cli(['records', 'list', ZONE]);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+TYPE\s+TTL\s+DATA$/);
    expect(lines.find((l) => l.startsWith(id))).toMatch(/\bwww\s+A\s+300\s+192\.0\.2\.80$/);
    expect(table.stdout).toMatch(/MX\s+-\s+10 mail\.records\.cli\.test\.$/m);

    // Only the value changes; the TTL is kept and the version moves on.
    const before = (await listJson()).find((r) => r.id === id);
    const updated = await s.cli(['records', 'update', ZONE, id, '--value', '192.0.2.81', '--json']);
    expect(updated.code, updated.stderr).toBe(0);
    const after = JSON.parse(updated.stdout) as RecordJson;
    expect(after).toMatchObject({ id, name: 'www', type: 'A', ttl: 300, value: '192.0.2.81' });
    expect(after.version).toBeGreaterThan(before?.version ?? Infinity);

    // BIND is given the change.
    const exported = await s.cli(['zones', 'export', ZONE]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/^www\S*\s+300\s+(IN\s+)?A\s+192\.0\.2\.81$/m);

    const deleted = await s.cli(['records', 'delete', ZONE, id, '--json']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted: id });
    expect((await listJson()).map((r) => r.id)).not.toContain(id);

    const again = await s.cli(['records', 'delete', ZONE, id]);
    expect(again.code, again.stderr).toBe(3);
    const missing = await s.cli(['records', 'update', ZONE, id, '--value', '192.0.2.82']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(`no record ${id} in ${ZONE}`);
    const noZone = await s.cli(['records', 'list', 'nope.cli.test']);
    expect(noZone.code, noZone.stderr).toBe(3);
  });

  it('refuses bad input with exit code 2 before sending anything', async () => {
    const cases: [string[], string][] = [
      [['records', 'add', ZONE, 'www', 'A', 'not-an-ip'], 'A value must be an IPv4 address'],
      [['records', 'add', ZONE, 'www', 'BOGUS', 'x'], 'TYPE must be one of A, AAAA'],
      [['records', 'add', ZONE, 'www', 'A', '192.0.2.9', '--ttl', '-1'], '--ttl must be'],
      [['records', 'add', ZONE, 'www'], "Missing required argument 'type'"],
      [['records', 'frob'], 'expected `hdns records list`'],
    ];
    for (const [argv, message] of cases) {
      const r = await s.cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
