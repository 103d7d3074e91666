/**
 * The JSON spec files of `hdns alerts rules|channels add|update --file F` (`-`: stdin): the
 * REST body, read, merged with the command's options (options win) and checked with the
 * protocol's schema before anything is sent. Every failure is a usage error (exit 2) naming
 * the file and the field: `spec.json: threshold.abovePercent: Too big: expected number to be <=100`.
 */
import { readFile } from 'node:fs/promises';
import {
  alertCountConditionSchema,
  alertHeldConditionSchema,
  alertRatioConditionSchema,
} from '@hdns/protocol/rest';
import { CliError, usageError } from '../cli-error.js';
import { firstIssue } from './parse.js';

export type Spec = Record<string, unknown>;

interface Checkable<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

async function readInput(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The spec file's object, or {} without --file. */
export async function readSpec(file: string | undefined): Promise<Spec> {
  if (file === undefined) return {};
  const label = file === '-' ? 'stdin' : file;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readInput(file));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw usageError(`${label} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw usageError(`${label} must hold one JSON object (the REST body)`);
  }
  return parsed as Spec;
}

/** Where a body came from, for messages: the file, or the options alone. */
export function sourceName(file: string | undefined): string {
  if (file === undefined) return 'options';
  return file === '-' ? 'stdin' : file;
}

/**
 * A rule's condition checked against the schema its `kind` names, so an error names the field
 * (`threshold.when`) instead of "invalid input" for the whole union.
 */
function checkThreshold(source: string, threshold: unknown): void {
  if (typeof threshold !== 'object' || threshold === null) return;
  const kind = (threshold as { kind?: unknown }).kind;
  const schema =
    kind === 'ratio'
      ? alertRatioConditionSchema
      : kind === 'held'
        ? alertHeldConditionSchema
        : kind === undefined || kind === 'count'
          ? alertCountConditionSchema
          : undefined;
  if (schema === undefined) {
    throw usageError(`${source}: threshold.kind: one of count, ratio, held (or null: none)`);
  }
  const result = schema.safeParse(threshold);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ ...i, path: ['threshold', ...i.path] }));
    throw usageError(`${source}: ${firstIssue({ issues })}`);
  }
}

/** The body checked with `schema`; a usage error naming the first bad field otherwise. */
export function checkBody<T>(source: string, schema: Checkable<T>, body: Spec): T {
  if ('threshold' in body) checkThreshold(source, body.threshold);
  const result = schema.safeParse(body);
  if (!result.success) throw usageError(`${source}: ${firstIssue(result.error)}`);
  return result.data;
}

/** Only the options that were given (commander leaves the others undefined). */
export function defined(values: Spec): Spec {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}
