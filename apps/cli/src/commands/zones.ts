/**
 * `hdns zones export|import`: a zone out as a BIND zone file or JSON, and a zone in from a zone
 * file or by AXFR from another server, the import's progress shown on stderr until its job ends.
 *
 * Contract: export writes the file (or stdout) and exits 0; import exits 0 when every record was
 * stored, 1 when some were refused (each listed on stderr with its line) or the server refused
 * the import (a file BIND cannot read: its lines; a failed transfer: ZONE_TRANSFER_FAILED).
 * The TSIG secret is sent to the server only, never printed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { AXFR_TSIG_ALGORITHMS } from '@hdns/protocol/rest';
import { CliError, EXIT_FAILURE, EXIT_OK, usageError } from '../cli-error.js';
import { apiError, describeFailure, type HttpResult } from '../http-client.js';
import { callRoute } from '../rest-call.js';
import type { Output } from '../output.js';
import { authenticatedSession } from './authenticated.js';
import { followJob } from './follow-job.js';

export interface ExportZoneOptions {
  format: string;
  output?: string;
}

export async function exportZone(
  zone: string,
  values: ExportZoneOptions,
  out: Output,
): Promise<number> {
  const format = values.format;
  if (format !== 'bind' && format !== 'json') throw usageError('--format must be bind or json');
  const { session } = await authenticatedSession();
  const { result, body } = await callRoute(
    session.url,
    'exportZone',
    { token: await session.getToken() },
    { params: { zone }, query: { format } },
  );
  if (body === undefined) throw new CliError(`cannot export ${zone}: ${describeFailure(result)}`);
  const text = typeof body === 'string' ? body : `${JSON.stringify(body, null, 2)}\n`;
  if (values.output === undefined || values.output === '-') {
    process.stdout.write(text);
  } else {
    await writeFile(values.output, text);
    out.notice(`wrote ${zone} (${format}) to ${values.output}`);
  }
  return EXIT_OK;
}

/** `name:algorithm:secret` (the order `hdns` documents; dig's -y puts the algorithm first). */
export function parseTsig(raw: string): { name: string; algorithm: string; secret: string } {
  const [name, algorithm, ...secret] = raw.split(':');
  const alg = (algorithm ?? '').toLowerCase();
  if (!name || secret.length === 0 || !(AXFR_TSIG_ALGORITHMS as readonly string[]).includes(alg)) {
    throw usageError(
      `--tsig must be NAME:ALGORITHM:SECRET with ALGORITHM one of ${AXFR_TSIG_ALGORITHMS.join(', ')}`,
    );
  }
  return { name, algorithm: alg, secret: secret.join(':') };
}

/** `192.0.2.1`, `192.0.2.1:5353`, `[2001:db8::1]:5353` or a bare IPv6 address. */
export function parseServer(raw: string): { server: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
  const v4 = /^([\d.]+)(?::(\d+))?$/.exec(raw);
  const m = bracketed ?? v4;
  const server = m ? m[1] : raw;
  const port = m?.[2] !== undefined ? Number(m[2]) : undefined;
  if (!server || (port !== undefined && (port < 1 || port > 65_535))) {
    throw usageError(`--axfr must be ADDRESS[:PORT], not "${raw}"`);
  }
  return { server, ...(port !== undefined ? { port } : {}) };
}

export interface ImportZoneOptions {
  file?: string;
  axfr?: string;
  tsig?: string;
  remoteZone?: string;
  create?: boolean;
}

export async function importZone(
  zone: string,
  values: ImportZoneOptions,
  out: Output,
): Promise<number> {
  if ((values.file === undefined) === (values.axfr === undefined)) {
    throw usageError('give exactly one of --file F and --axfr SERVER[:PORT]');
  }
  if (values.tsig !== undefined && values.axfr === undefined) {
    throw usageError('--tsig goes with --axfr');
  }
  const tsig = values.tsig !== undefined ? parseTsig(values.tsig) : undefined;
  const server = values.axfr !== undefined ? parseServer(values.axfr) : undefined;
  const text = values.file !== undefined ? await readText(values.file) : undefined;
  const { session } = await authenticatedSession();
  const auth = { token: await session.getToken() };
  const createZone = values.create === true;
  const answer =
    text !== undefined
      ? await callRoute(session.url, 'importZoneFile', auth, {
          params: { zone },
          body: { text, createZone },
        })
      : await callRoute(session.url, 'importZoneAxfr', auth, {
          params: { zone },
          body: {
            ...(server ?? { server: '' }),
            ...(tsig ? { tsig: { ...tsig, algorithm: tsig.algorithm as 'hmac-sha256' } } : {}),
            ...(values.remoteZone !== undefined ? { zone: values.remoteZone } : {}),
            createZone,
          },
        });
  if (!answer.body) throw refused(zone, answer.result);
  const job = await followJob(session, answer.body, out);
  out.notice(
    `${job.status}: ${job.succeeded} of ${job.total} records imported into ${zone}, ${job.failed} refused`,
  );
  for (const e of job.errors) {
    out.notice(`  ${e.line > 0 ? `line ${e.line}` : 'record'}: ${e.message}`);
  }
  if (job.stopReason) out.notice(`stopped: ${job.stopReason}`);
  return job.status === 'succeeded' ? EXIT_OK : EXIT_FAILURE;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The server's refusal, with a zone file's line errors when it sent them. */
function refused(zone: string, result: HttpResult): CliError {
  const lines: string[] = [`cannot import ${zone}: ${describeFailure(result)}`];
  const details = (result.body as { details?: { errors?: unknown; message?: unknown } })?.details;
  if (apiError(result) && Array.isArray(details?.errors)) {
    for (const e of details.errors as { line: number; message: string }[]) {
      lines.push(`  ${e.line > 0 ? `line ${e.line}` : 'file'}: ${e.message}`);
    }
  } else if (typeof details?.message === 'string') {
    lines.push(`  ${details.message}`);
  }
  return new CliError(lines.join('\n'));
}
