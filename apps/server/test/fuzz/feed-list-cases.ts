import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { compileFeed, EmptyFeedError } from '../../src/feeds/feed-compiler.js';
import { feedName } from '../../src/feeds/feed-parsers.js';
import { defineTarget, FuzzFailure } from './fuzz-target.js';

const run = promisify(execFile);
const ZONE = 'rpz-feed-fuzz.local';

/**
 * Blocklist feeds (in process): a downloaded list is input from anywhere on the internet. Lines
 * in each format's shapes (hosts, adblock, plain names, RPZ zone text), mixed with hostile
 * strings and cut or spliced at random, compiled as any declared format (or `auto`). A case
 * fails when the compiler throws anything but EmptyFeedError, when the zone holds a trigger the
 * name check refuses or counts differ from its lines, or when `named-checkzone` (BIND's own
 * parser, the one that loads the file) refuses the zone.
 */

const label = fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/);
const name = fc
  .array(fc.oneof(label, fc.constantFrom('rpz-ip', '*', 'xn--bcher-kva', '', '.')), {
    minLength: 1,
    maxLength: 6,
  })
  .map((ls) => ls.join('.'));
const hostile = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom('\u0000', '\ufeff', 'ü.example', '$INCLUDE /etc/passwd', '(', ')', '\\046', '"'),
);
const line = fc.oneof(
  fc
    .tuple(fc.constantFrom('0.0.0.0', '127.0.0.1', '::', '::1', '999.1.1.1'), name, name)
    .map(([a, n, m]) => `${a} ${n}\t${m}`),
  name.map((n) => `||${n}^`),
  name.map((n) => `||${n}^$third-party`),
  name.map((n) => `@@||${n}^`),
  name,
  fc
    .tuple(name, fc.constantFrom('CNAME .', 'CNAME *.', 'A 192.0.2.1', 'CNAME rpz-passthru.'))
    .map(([n, r]) => `${n} 300 IN ${r}`),
  fc.constantFrom('$ORIGIN list.example.', '@ SOA a. b. ( 1 2', '3 4 5 )', '# comment', '! title'),
  hostile,
);
const list = fc.record({
  lines: fc.array(line, { minLength: 0, maxLength: 40 }),
  format: fc.constantFrom<'auto' | 'hosts' | 'adblock' | 'domains' | 'rpz'>(
    'auto',
    'hosts',
    'adblock',
    'domains',
    'rpz',
  ),
  action: fc.constantFrom<'nxdomain' | 'nodata' | 'redirect'>('nxdomain', 'nodata', 'redirect'),
  crlf: fc.boolean(),
});

let dir: string | null = null;
let n = 0;

async function* linesOf(text: string): AsyncIterable<string> {
  for (const l of text.split(/\r?\n/)) yield l;
  await Promise.resolve();
}

export const feedListTarget = defineTarget({
  name: 'blocklist feed lists (in process, checked by named-checkzone)',
  runs: 300,
  touchesServer: false,
  arbitrary: () => list,
  async run(_server, c) {
    dir ??= await mkdtemp(path.join(os.tmpdir(), 'hdns-fuzz-feeds-'));
    const target = path.join(dir, `zone-${n++}`);
    const text = c.lines.join(c.crlf ? '\r\n' : '\n');
    const what = `format ${c.format}, action ${c.action}: ${JSON.stringify(text).slice(0, 300)}`;
    let total: number;
    try {
      ({ total } = await compileFeed(linesOf(text), {
        zone: ZONE,
        format: c.format,
        action: c.action,
        redirectTo: c.action === 'redirect' ? '192.0.2.7' : null,
        serial: 1,
        target,
      }));
    } catch (err) {
      if (err instanceof EmptyFeedError) return;
      throw new FuzzFailure(`${what}: compileFeed threw ${String(err)}`);
    }
    const zone = await readFile(target, 'utf8');
    const triggers = zone
      .split('\n')
      .filter((l) => l !== '' && !/^[;$@]/.test(l))
      .map((l) => l.slice(0, l.indexOf('\t')));
    const names = triggers.filter((t) => !t.startsWith('*.'));
    if (names.length !== total) {
      throw new FuzzFailure(`${what}: ${names.length} triggers for a total of ${total}`);
    }
    const bad = triggers.find((t) => feedName(t.replace(/^\*\./, '')) === null);
    if (bad !== undefined) throw new FuzzFailure(`${what}: trigger ${JSON.stringify(bad)}`);
    try {
      // `-k ignore`: as named.conf configures policy zones (`check-names ignore`).
      await run('named-checkzone', ['-q', '-k', 'ignore', ZONE, target]);
    } catch (err) {
      const out = (err as { stdout?: string }).stdout ?? String(err);
      throw new FuzzFailure(`${what}: named-checkzone refused the zone: ${out}`);
    } finally {
      await rm(target, { force: true });
    }
  },
  async close() {
    if (dir !== null) await rm(dir, { recursive: true, force: true });
    dir = null;
  },
});
