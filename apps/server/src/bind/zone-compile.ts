import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { locateBinary } from './bind-binaries.js';
import { runTool } from './run-tool.js';

/**
 * Normalizes a zone file with BIND's own reader: `named-compilezone -i none -k ignore -s full`
 * turns whatever BIND accepts ($ORIGIN, $TTL, $GENERATE, relative names, parentheses, split TXT)
 * into one canonical line per record (`owner. ttl IN TYPE rdata`, absolute names, explicit TTLs).
 * `-i none` and `-k ignore`: the file is only read here; the zone writer's named-checkzone judges
 * the zone we render from it. The text goes to a private temporary directory and the output to a
 * file there (never a pipe: large zones exceed the tool runner's output buffer).
 *
 * `$INCLUDE` is refused before BIND sees the text: it would make named-compilezone read (and echo
 * back in its errors) any file on this server.
 */

export interface ZoneFileLineError {
  /** 1-based line of the text given; 0 when BIND named no line. */
  line: number;
  message: string;
}

export type CompileResult =
  { ok: true; lines: string[] } | { ok: false; errors: ZoneFileLineError[] };

const INPUT = 'input.zone';
const OUTPUT = 'output.zone';
const TIMEOUT_MS = 60_000;

let located: string | null | undefined;

/** named-compilezone beside the other BIND tools (bind-binaries.ts search order). */
export function namedCompilezone(): string | null {
  if (located === undefined) located = locateBinary('named-compilezone');
  return located;
}

/** `$INCLUDE` lines, as per-line errors (empty when there are none). */
export function includeDirectives(text: string): ZoneFileLineError[] {
  const errors: ZoneFileLineError[] = [];
  text.split('\n').forEach((l, i) => {
    if (/^\s*\$include\b/i.test(l)) {
      errors.push({ line: i + 1, message: '$INCLUDE is not allowed in an imported zone file' });
    }
  });
  return errors;
}

/**
 * BIND's messages about our input file (`input.zone:12: syntax error`), with their line; when
 * none names a line, its zone-level findings (`zone x/IN: has no NS records`) without one. The
 * closing summaries (`not loaded due to errors`, `loading from master file … failed`) repeat
 * what the others said and are left out.
 */
function compileErrors(output: string): ZoneFileLineError[] {
  const located: ZoneFileLineError[] = [];
  const other: ZoneFileLineError[] = [];
  const re = new RegExp(`(?:^|[\\s/])${INPUT.replace('.', '\\.')}:(\\d+): (.+)$`);
  for (const l of output.split('\n').map((x) => x.trim())) {
    const m = re.exec(l);
    if (m?.[1] && m[2]) {
      located.push({ line: Number(m[1]), message: m[2] });
      continue;
    }
    const zoneLevel = /^zone [^:]+: (.+)$/.exec(l)?.[1];
    if (
      zoneLevel &&
      !/not loaded due to errors|loading from master file|^loaded serial/.test(zoneLevel)
    ) {
      other.push({ line: 0, message: zoneLevel });
    }
  }
  if (located.length > 0) return located;
  return other.length > 0 ? other : [{ line: 0, message: 'the zone file could not be read' }];
}

/** Reads `text` as zone `zone` (no trailing dot) and returns its canonical record lines. */
export async function compileZoneText(zone: string, text: string): Promise<CompileResult> {
  const included = includeDirectives(text);
  if (included.length > 0) return { ok: false, errors: included };
  const tool = namedCompilezone();
  if (!tool) {
    return { ok: false, errors: [{ line: 0, message: 'named-compilezone is not installed' }] };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-import-'));
  try {
    const input = path.join(dir, INPUT);
    const output = path.join(dir, OUTPUT);
    await writeFile(input, text.endsWith('\n') ? text : `${text}\n`, { mode: 0o600 });
    // Relative file names, run from `dir`, would need a cwd option; the absolute path is kept
    // out of messages by matching on the base name.
    const r = await runTool(
      tool,
      ['-i', 'none', '-k', 'ignore', '-s', 'full', '-o', output, zone, input],
      TIMEOUT_MS,
    );
    if (r.code !== 0) {
      if (r.timedOut)
        return { ok: false, errors: [{ line: 0, message: 'reading the zone file timed out' }] };
      return { ok: false, errors: compileErrors(`${r.stdout}\n${r.stderr}`) };
    }
    const out = await readFile(output, 'utf8');
    return {
      ok: true,
      lines: out.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';')),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
