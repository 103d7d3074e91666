/**
 * `hdns rpz list|add|delete|export|import` against the real server driving a real named, the CLI
 * running as a child process: rules added and deleted, exported as CSV and JSON and imported
 * back (a round trip), an import with a bad line (exit 1, the line named), and bad usage (exit 2)
 * or an unknown rule (exit 3).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliServer, type CliServer } from './cli-server.js';

interface RuleJson {
  id: string;
  domain: string;
  action: string;
  redirectTo: string | null;
  category: string;
  enabled: boolean;
  comment: string | null;
}

let s: CliServer;
let dir: string;

beforeAll(async () => {
  s = await startCliServer({ bind: true });
  dir = await s.configDir();
}, 60_000);

afterAll(async () => {
  await s?.close();
});

async function rules(): Promise<RuleJson[]> {
  const r = await s.cli(['rpz', 'list', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { rules: RuleJson[] }).rules;
}

const shape = (r: RuleJson) => `${r.domain} ${r.action} ${r.redirectTo ?? '-'} ${r.category}`;

describe('hdns rpz', () => {
  it('adds, lists, exports, deletes and imports rules back', async () => {
    const ads = await s.cli(['rpz', 'add', 'ads.cli.example', '--category', 'ads']);
    expect(ads.code, ads.stderr).toBe(0);
    const adsId = ads.stdout.trim();
    expect(ads.stderr).toContain('added nxdomain rule for ads.cli.example (ads)');
    const redirect = await s.cli([
      'rpz',
      'add',
      '*.track.cli.example',
      '--action',
      'redirect',
      '--redirect-to',
      '192.0.2.1',
      '--comment',
      'walled, "garden"',
      '--json',
    ]);
    expect(redirect.code, redirect.stderr).toBe(0);
    expect(JSON.parse(redirect.stdout)).toMatchObject({
      domain: '*.track.cli.example',
      action: 'redirect',
      redirectTo: '192.0.2.1',
      comment: 'walled, "garden"',
    });

    const table = await s.cli(['rpz', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+DOMAIN\s+ACTION\s+REDIRECT\s+CATEGORY/);
    expect(table.stdout).toMatch(
      new RegExp(`^${adsId}\\s+ads\\.cli\\.example\\s+nxdomain\\s+-\\s+ads\\s+yes\\s+-$`, 'm'),
    );
    const stored = (await rules()).map(shape).sort();

    const csvFile = path.join(dir, 'rules.csv');
    const jsonFile = path.join(dir, 'rules.json');
    const csv = await s.cli(['rpz', 'export', '--format', 'csv', '-o', csvFile]);
    expect(csv.code, csv.stderr).toBe(0);
    const csvText = await readFile(csvFile, 'utf8');
    expect(csvText.split('\n')[0]).toBe('domain,action,redirectTo,category,enabled,comment');
    expect(csvText).toContain('"walled, ""garden"""');
    const json = await s.cli(['rpz', 'export']);
    expect(json.code, json.stderr).toBe(0);
    await writeFile(jsonFile, json.stdout);

    // Delete everything, import the CSV: the same rules come back (new ids).
    for (const r of await rules()) {
      const d = await s.cli(['rpz', 'delete', r.id]);
      expect(d.code, d.stderr).toBe(0);
    }
    expect(await rules()).toEqual([]);
    const fromCsv = await s.cli(['rpz', 'import', csvFile]);
    expect(fromCsv.code, fromCsv.stderr).toBe(0);
    expect(fromCsv.stderr).toContain('succeeded: 2 of 2 rules imported, 0 refused');
    expect((await rules()).map(shape).sort()).toEqual(stored);
    expect((await rules()).find((r) => r.domain === '*.track.cli.example')?.comment).toBe(
      'walled, "garden"',
    );

    // And the JSON export the same way.
    for (const r of await rules()) expect((await s.cli(['rpz', 'delete', r.id])).code).toBe(0);
    const fromJson = await s.cli(['rpz', 'import', jsonFile, '--json']);
    expect(fromJson.code, fromJson.stderr).toBe(0);
    expect(JSON.parse(fromJson.stdout)).toMatchObject({ status: 'succeeded', succeeded: 2 });
    expect((await rules()).map(shape).sort()).toEqual(stored);
  });

  it('reports refused import lines with exit code 1', async () => {
    const file = path.join(dir, 'bad.csv');
    await writeFile(
      file,
      'domain,action,redirectTo,category,comment\ngood.cli.example,nodata,,custom,\nbad domain!,nxdomain,,custom,\n',
    );
    const r = await s.cli(['rpz', 'import', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1 of 2 rules imported, 1 refused');
    expect(r.stderr).toMatch(/line 2: domain: /);
    expect((await rules()).map((x) => x.domain)).toContain('good.cli.example');
  });

  it('refuses bad usage (exit 2) and unknown rules (exit 3)', async () => {
    const cases: [string[], string][] = [
      [['rpz', 'add', 'bad domain!'], 'invalid rule: domain: must be a domain'],
      [['rpz', 'add', 'x.cli.example', '--action', 'redirect'], 'redirect needs redirectTo'],
      [['rpz', 'add', 'x.cli.example', '--action', 'drop'], '--action must be one of'],
      [['rpz', 'export', '--format', 'xml'], '--format must be one of csv, json'],
    ];
    for (const [argv, message] of cases) {
      const r = await s.cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
    const missing = await s.cli(['rpz', 'delete', '00000000-0000-4000-8000-000000000000']);
    expect(missing.code, missing.stderr).toBe(3);
  });
});
