import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  isRemovedSetting,
  REMOVED_SETTING_NAMES,
  removedSettingProblem,
} from './removed-settings.js';
import type { SettingContext } from './setting-kinds.js';
import { Setting, settingRows, type Parsed, type SettingTree } from './setting.js';

/**
 * Reads a settings tree from the environment, optionally layered over a JSON file named by
 * `HDNS_CONFIG` (same keys as the environment, e.g. `{"HDNS_PORT": 8053}`; the environment
 * wins). Every problem is collected, so a bad start lists them all at once.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export type ParseOutcome<N> = { ok: true; values: Parsed<N> } | { ok: false; problems: string[] };

function describeValue(row: Setting<unknown>, value: unknown): string {
  if (row.secret) {
    return typeof value === 'string'
      ? `got a value of ${value.length} characters`
      : 'got a non-string';
  }
  return `got ${JSON.stringify(value) ?? String(value)}`;
}

function readConfigFile(
  file: string,
  known: ReadonlySet<string>,
  problems: string[],
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    problems.push(`HDNS_CONFIG file ${file} could not be read as JSON (${reason})`);
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(`HDNS_CONFIG file ${file} must contain a JSON object`);
    return {};
  }
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const removed = removedSettingProblem(key, value);
    if (removed !== null) problems.push(removed);
    else if (known.has(key)) values[key] = value;
    else if (!isRemovedSetting(key))
      problems.push(`HDNS_CONFIG file ${file} has an unknown setting ${JSON.stringify(key)}`);
  }
  return values;
}

/** The raw values by environment name: the file's, overridden by non-empty environment ones. */
function gatherRaw(
  env: Env,
  rows: readonly Setting<unknown>[],
  cwd: string,
  problems: string[],
): Record<string, unknown> {
  const configFile = env.HDNS_CONFIG?.trim();
  const known = new Set(rows.map((row) => row.env));
  const raw = configFile ? readConfigFile(path.resolve(cwd, configFile), known, problems) : {};
  for (const name of REMOVED_SETTING_NAMES) {
    const value = env[name];
    const removed = value === undefined || value === '' ? null : removedSettingProblem(name, value);
    if (removed !== null) problems.push(removed);
  }
  // Empty environment values count as unset (as compose files often leave them).
  for (const { env: name } of rows) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  return raw;
}

function readTree(
  tree: SettingTree,
  raw: Record<string, unknown>,
  ctx: SettingContext,
  problems: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(tree)) {
    if (!(node instanceof Setting)) {
      out[key] = readTree(node, raw, ctx, problems);
      continue;
    }
    const value = raw[node.env];
    const result = node.read(value, ctx);
    if (result.ok) out[key] = result.value;
    else problems.push(`${node.env} ${node.must} (${describeValue(node, value)})`);
  }
  return out;
}

export function parseSettings<N extends SettingTree>(
  tree: N,
  env: Env,
  ctx: SettingContext,
): ParseOutcome<N> {
  const problems: string[] = [];
  const raw = gatherRaw(env, settingRows(tree), ctx.cwd, problems);
  const values = readTree(tree, raw, ctx, problems);
  if (problems.length > 0) return { ok: false, problems };
  // readTree builds the tree's shape key by key from each row's typed reader.
  return { ok: true, values: values as Parsed<N> };
}
