import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logExcerpt } from './log-excerpt.js';

describe('logExcerpt', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hdns-log-excerpt-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("keeps named's own words about the zone, not the echo of the rndc commands polling it", async () => {
    const file = path.join(dir, 'named.log');
    const echo =
      "07-Dec-2026 10:46:01.000 general: info: received control channel command 'zonestatus qa.example'";
    await writeFile(
      file,
      [
        "07-Dec-2026 10:46:00.000 general: info: received control channel command 'reload qa.example'",
        '07-Dec-2026 10:46:00.100 general: error: dns_master_load: db.qa.example:12: under_score.qa.example: bad owner name (check-names)',
        '07-Dec-2026 10:46:00.100 general: error: zone qa.example/IN: loading from master file db.qa.example failed: bad owner name (check-names)',
        '07-Dec-2026 10:46:00.200 general: info: zone other.example/IN: loaded serial 7',
        ...Array.from({ length: 8 }, () => echo),
        '',
      ].join('\n'),
    );
    const lines = await logExcerpt(file, 'qa.example');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('under_score.qa.example: bad owner name (check-names)');
    expect(lines[1]).toContain('loading from master file db.qa.example failed');
    expect(await logExcerpt(path.join(dir, 'missing.log'), 'qa.example')).toEqual([]);
  });
});
