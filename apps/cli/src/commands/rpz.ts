/**
 * `hdns rpz list|add|delete|import|export`: the local RPZ rules (admins change them).
 *
 * Contract: add checks the rule with the protocol schema first (exit 2 on a bad domain or a
 * redirect without --redirect-to) and prints the new id on stdout. import sends a CSV (header
 * `domain,action,redirectTo,category,comment`) or JSON array file as the REST import takes it
 * and follows the job: exit 0 when every rule was stored, 1 when some were refused (each listed
 * with its line). The REST API has no export route: export writes the rule list in the import's
 * own formats (JSON array, or CSV with that header plus `enabled`), so `rpz export | rpz import` round-trips.
 */
import { readFile, writeFile } from 'node:fs/promises';
import {
  RPZ_CATEGORIES,
  RPZ_RULE_ACTIONS,
  rpzRuleInputSchema,
  type RpzRule,
} from '@hdns/protocol/rest';
import { CliError, EXIT_FAILURE, EXIT_OK, usageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { cell } from '../table.js';
import { authenticatedSession } from './authenticated.js';
import { followJob } from './follow-job.js';
import { firstIssue, oneOf } from './parse.js';
import { call, callNoContent, printTable, type JsonOption } from './rest-command.js';

export interface RpzAddOptions extends JsonOption {
  action: string;
  redirectTo?: string;
  category: string;
  comment?: string;
  disabled?: boolean;
}

export interface RpzImportOptions extends JsonOption {
  format?: string;
}

export interface RpzExportOptions {
  format: string;
  output?: string;
}

const FORMATS = ['csv', 'json'] as const;
const CSV_COLUMNS = ['domain', 'action', 'redirectTo', 'category', 'enabled', 'comment'] as const;

export async function listRules(opts: JsonOption, out: Output): Promise<number> {
  const body = await call('cannot list the RPZ rules', 'listRpzRules');
  if (opts.json) out.line(JSON.stringify(body));
  else {
    printTable(
      out,
      ['ID', 'DOMAIN', 'ACTION', 'REDIRECT', 'CATEGORY', 'ENABLED', 'COMMENT'],
      body.rules.map((r) => [
        r.id,
        r.domain,
        r.action,
        cell(r.redirectTo),
        r.category,
        r.enabled ? 'yes' : 'no',
        cell(r.comment),
      ]),
      'no RPZ rules',
    );
  }
  return EXIT_OK;
}

export async function addRule(domain: string, opts: RpzAddOptions, out: Output): Promise<number> {
  const parsed = rpzRuleInputSchema.safeParse({
    domain,
    action: oneOf('--action', opts.action, RPZ_RULE_ACTIONS),
    category: oneOf('--category', opts.category, RPZ_CATEGORIES),
    enabled: opts.disabled !== true,
    ...(opts.redirectTo !== undefined ? { redirectTo: opts.redirectTo } : {}),
    ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
  });
  if (!parsed.success) throw usageError(`invalid rule: ${firstIssue(parsed.error)}`);
  const rule = await call(`cannot add the rule for ${domain}`, 'createRpzRule', {
    body: parsed.data,
  });
  if (opts.json) out.line(JSON.stringify(rule));
  else {
    out.line(rule.id);
    out.notice(`added ${rule.action} rule for ${rule.domain} (${rule.category})`);
  }
  return EXIT_OK;
}

export async function deleteRule(id: string, opts: JsonOption, out: Output): Promise<number> {
  await callNoContent(`cannot delete rule ${id}`, 'deleteRpzRule', { params: { id } });
  if (opts.json) out.line(JSON.stringify({ deleted: id }));
  else out.notice(`deleted rule ${id}`);
  return EXIT_OK;
}

export async function importRules(
  file: string,
  opts: RpzImportOptions,
  out: Output,
): Promise<number> {
  const format = oneOf(
    '--format',
    opts.format ?? (file.toLowerCase().endsWith('.json') ? 'json' : 'csv'),
    FORMATS,
  );
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let data: string | unknown[] = text;
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw usageError(`${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!Array.isArray(parsed)) throw usageError(`${file} must hold a JSON array of rules`);
    data = parsed as unknown[];
  }
  const started = await call(`cannot import ${file}`, 'importRpzRules', { body: { format, data } });
  const { session } = await authenticatedSession();
  const job = await followJob(session, started, out);
  if (opts.json) out.line(JSON.stringify(job));
  out.notice(
    `${job.status}: ${job.succeeded} of ${job.total} rules imported, ${job.failed} refused`,
  );
  for (const e of job.errors)
    out.notice(`  ${e.line > 0 ? `line ${e.line}` : 'file'}: ${e.message}`);
  if (job.stopReason) out.notice(`stopped: ${job.stopReason}`);
  return job.status === 'succeeded' ? EXIT_OK : EXIT_FAILURE;
}

/** A CSV cell, quoted when it holds a comma, a quote or a line break. */
function csvCell(value: string | null): string {
  const s = value ?? '';
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rules in the import's CSV layout (header row first). */
export function rulesToCsv(rules: readonly RpzRule[]): string {
  const rows = rules.map((r) =>
    CSV_COLUMNS.map((c) => csvCell(r[c] === null ? null : String(r[c]))).join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\n')}\n`;
}

/** The rules as the JSON import takes them: only the input fields. */
export function rulesToJson(rules: readonly RpzRule[]): string {
  const inputs = rules.map((r) => ({
    domain: r.domain,
    action: r.action,
    redirectTo: r.redirectTo,
    category: r.category,
    enabled: r.enabled,
    comment: r.comment,
  }));
  return `${JSON.stringify(inputs, null, 2)}\n`;
}

export async function exportRules(opts: RpzExportOptions, out: Output): Promise<number> {
  const format = oneOf('--format', opts.format, FORMATS);
  const { rules } = await call('cannot read the RPZ rules', 'listRpzRules');
  const text = format === 'csv' ? rulesToCsv(rules) : rulesToJson(rules);
  if (opts.output === undefined || opts.output === '-') process.stdout.write(text);
  else {
    await writeFile(opts.output, text);
    out.notice(`wrote ${rules.length} rules (${format}) to ${opts.output}`);
  }
  return EXIT_OK;
}
