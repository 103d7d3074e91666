import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { locateBinary } from './bind-binaries.js';
import { runTool } from './run-tool.js';

/**
 * Pulls a zone by AXFR with `dig @server -p port zone AXFR +onesoa`, the text of which is a zone
 * file (absolute names, one record per line) for zone-compile.ts to normalize.
 *
 * The TSIG secret is written to a 0600 key file in a private temporary directory and given to dig
 * with `-k` (not `-y`, which would show it to anyone listing processes); it never appears in the
 * result, in errors or in logs. Time is bounded by dig's own timeout and the runner's; size by the
 * runner's output buffer (run-tool.ts, 4 MiB): a larger answer fails as too large.
 */

export interface TsigKey {
  name: string;
  algorithm: string;
  secret: string;
}

export interface TransferRequest {
  server: string;
  port: number;
  zone: string;
  tsig?: TsigKey;
}

export type TransferResult = { ok: true; text: string } | { ok: false; message: string };

const TIMEOUT_MS = 60_000;

let located: string | null | undefined;

function digBinary(): string | null {
  if (located === undefined) located = locateBinary('dig');
  return located;
}

/** dig's own explanation (`; Transfer failed.`, `communications error ... refused`, TSIG). */
function failureOf(output: string, secret: string | undefined): string {
  const said = output
    .split('\n')
    .map((l) => l.replace(/^;+\s*/, '').trim())
    .filter((l) => /fail|error|refused|timed out|no servers|couldn't|tsig|NOTAUTH|REFUSED/i.test(l))
    .slice(0, 3)
    .join('; ');
  const message = said || 'the server sent no zone';
  // Belt and braces: dig never prints the key file's secret, but nothing that holds it leaves.
  return secret ? message.split(secret).join('***') : message;
}

export async function transferZone(req: TransferRequest): Promise<TransferResult> {
  const dig = digBinary();
  if (!dig) return { ok: false, message: 'dig is not installed' };
  const dir = req.tsig ? await mkdtemp(path.join(os.tmpdir(), 'hdns-axfr-')) : null;
  try {
    const args = [
      `@${req.server}`,
      '-p',
      String(req.port),
      req.zone,
      'AXFR',
      '+onesoa',
      '+nocmd',
      '+nostats',
      '+time=10',
      '+tries=1',
    ];
    if (dir && req.tsig) {
      const keyFile = path.join(dir, 'transfer.key');
      const key = req.tsig;
      await writeFile(
        keyFile,
        `key "${key.name}" {\n\talgorithm ${key.algorithm};\n\tsecret "${key.secret}";\n};\n`,
        { mode: 0o600 },
      );
      args.push('-k', keyFile);
    }
    const r = await runTool(dig, args, TIMEOUT_MS);
    const secret = req.tsig?.secret;
    if (r.timedOut) return { ok: false, message: 'the transfer timed out' };
    if (r.spawnError?.includes('MAXBUFFER')) {
      return { ok: false, message: 'the zone is larger than 4 MiB' };
    }
    const text = r.stdout;
    const hasSoa = text.split('\n').some((l) => /^\S+\s+\d+\s+IN\s+SOA\s/.test(l));
    if (r.code !== 0 || !hasSoa || /Transfer failed/i.test(text)) {
      return { ok: false, message: failureOf(`${text}\n${r.stderr}`, secret) };
    }
    // The answer's TSIG records (`key. 0 ANY TSIG ...`) sign the transfer; they are not zone data.
    const records = text
      .split('\n')
      .filter((l) => !/^\S+\s+\d+\s+ANY\s+TSIG\s/i.test(l))
      .join('\n');
    return { ok: true, text: records };
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
