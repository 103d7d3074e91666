/**
 * `hdns alerts rules add|update|delete` (admins). A rule is the REST body (see `hdns alerts
 * rules add --help`): simple ones fit in options (`--name`, `--channel`, `--type`), anything
 * more (conditions, where, escalation) goes in a JSON spec file (`--file F`, `-` for stdin)
 * holding the body; options override the file's fields.
 *
 * Contract: the body is checked with the protocol's schema before it is sent (a bad field: exit
 * 2, naming it). add prints the new id on stdout; update and delete print a note on stderr.
 * An unknown id exits 3. --json prints the REST body (delete: {"deleted":ID}).
 */
import {
  alertRuleInputSchema,
  alertRulePatchSchema,
  describeAlertRule,
  type AlertRule,
} from '@hdns/protocol/rest';
import { CliError, EXIT_NOT_FOUND, EXIT_OK, usageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { checkBody, defined, readSpec, sourceName, type Spec } from './alerts-spec.js';
import { splitList } from './parse.js';
import { call, callNoContent, type JsonOption } from './rest-command.js';

export interface RuleSpecOptions extends JsonOption {
  file?: string;
  name?: string;
  channel?: string[];
  type?: string[];
  /** add: create it disabled. */
  disabled?: boolean;
  /** update: switch it on or off. */
  enable?: boolean;
  disable?: boolean;
}

/** The fields the options set, over the spec file's. */
async function ruleSpec(opts: RuleSpecOptions, baseMatch: Spec = {}): Promise<Spec> {
  if (opts.enable && (opts.disable || opts.disabled)) {
    throw usageError('give only one of --enable and --disable');
  }
  const spec = await readSpec(opts.file);
  const channels = splitList(opts.channel);
  const types = splitList(opts.type);
  const fileMatch =
    typeof spec.match === 'object' && spec.match !== null ? (spec.match as Spec) : baseMatch;
  return {
    ...spec,
    ...defined({
      name: opts.name,
      channelIds: channels.length > 0 ? channels : undefined,
      match: types.length > 0 ? { ...fileMatch, types } : undefined,
      enabled: opts.enable ? true : opts.disable || opts.disabled ? false : undefined,
    }),
  };
}

function printRule(rule: AlertRule, opts: JsonOption, out: Output, verb: string): void {
  if (opts.json) out.line(JSON.stringify(rule));
  else {
    if (verb === 'created') out.line(rule.id);
    out.notice(`${verb} rule ${rule.name}: ${describeAlertRule(rule)}`);
  }
}

export async function addRule(opts: RuleSpecOptions, out: Output): Promise<number> {
  const body = checkBody(sourceName(opts.file), alertRuleInputSchema, await ruleSpec(opts));
  const rule = await call(`cannot create rule ${body.name}`, 'createAlertRule', { body });
  printRule(rule, opts, out, 'created');
  return EXIT_OK;
}

/**
 * The stored match, when `--type` changes only its types: a PATCH replaces the whole match,
 * so the rule is read first to keep its other filters.
 */
async function storedMatch(id: string, opts: RuleSpecOptions): Promise<Spec> {
  if (splitList(opts.type).length === 0) return {};
  const { rules } = await call(`cannot update rule ${id}`, 'listAlertRules');
  const rule = rules.find((r) => r.id === id);
  if (!rule) throw new CliError(`cannot update rule ${id}: no such rule`, EXIT_NOT_FOUND);
  return rule.match;
}

export async function updateRule(id: string, opts: RuleSpecOptions, out: Output): Promise<number> {
  const spec = await ruleSpec(opts, await storedMatch(id, opts));
  if (Object.keys(spec).length === 0) {
    throw usageError(
      'nothing to change: give --file, --name, --channel, --type or --enable/--disable',
    );
  }
  const body = checkBody(sourceName(opts.file), alertRulePatchSchema, spec);
  const rule = await call(`cannot update rule ${id}`, 'updateAlertRule', {
    params: { id },
    body,
  });
  printRule(rule, opts, out, 'updated');
  return EXIT_OK;
}

export async function deleteRule(id: string, opts: JsonOption, out: Output): Promise<number> {
  await callNoContent(`cannot delete rule ${id}`, 'deleteAlertRule', { params: { id } });
  if (opts.json) out.line(JSON.stringify({ deleted: id }));
  else out.notice(`deleted rule ${id}`);
  return EXIT_OK;
}
