/**
 * `hdns alerts channels add|update|delete` (admins). The settings are options (`--url`,
 * `--smtp-host`, `--to` …) or a JSON spec file (`--file F`, `-` for stdin) holding the REST
 * body; options override the file. Secrets (`config.secret`, `config.smtpPassword`) are read
 * only from the file or stdin, never from options, so they stay out of process lists and shell
 * history. The same holds for URLs that are credentials: a Slack or Teams webhook URL carries
 * its token in the path, and any URL with `user:password@` or a query string (`?token=…`) may
 * carry one, so `--url` refuses those (exit 2, pointing to --file/stdin).
 *
 * Contract: update changes the config fields given and keeps the others (the REST PATCH
 * replaces the whole config, so the command reads the channel first; stored secrets are kept
 * by the server when omitted). Bodies are checked with the protocol's schema before sending (a
 * bad field: exit 2, naming it). add prints the new id on stdout; an unknown id exits 3.
 * --json prints the REST body (delete: {"deleted":ID}).
 */
import {
  alertChannelInputSchema,
  alertChannelPatchSchema,
  type AlertChannel,
} from '@hdns/protocol/rest';
import { CliError, EXIT_NOT_FOUND, EXIT_OK, usageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { checkBody, defined, readSpec, sourceName, type Spec } from './alerts-spec.js';
import { splitList, wholeNumber } from './parse.js';
import { call, callNoContent, type JsonOption } from './rest-command.js';

export interface ChannelSpecOptions extends JsonOption {
  file?: string;
  name?: string;
  kind?: string;
  url?: string;
  smtpHost?: string;
  smtpPort?: string;
  smtpSecure?: boolean;
  smtpUser?: string;
  from?: string;
  to?: string[];
  disabled?: boolean;
  enable?: boolean;
  disable?: boolean;
}

function asObject(value: unknown): Spec {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Spec)
    : {};
}

/** The config fields the options set. */
function configOptions(opts: ChannelSpecOptions): Spec {
  const to = splitList(opts.to);
  return defined({
    url: opts.url,
    smtpHost: opts.smtpHost,
    smtpPort: wholeNumber('--smtp-port', opts.smtpPort, 1, 65_535),
    smtpSecure: opts.smtpSecure,
    smtpUser: opts.smtpUser,
    from: opts.from,
    to: to.length > 0 ? to : undefined,
  });
}

/** Kinds whose URL is itself the credential (the token is a path segment). */
const SECRET_URL_KINDS: readonly string[] = ['slack', 'teams'];

/**
 * Refuses `--url` when the URL is (or may hold) a credential, which a command line would leave
 * in shell history and process lists. `command` is the rest of the command for the hint.
 */
function checkUrlOption(url: string | undefined, kind: unknown, command: string): void {
  if (url === undefined) return;
  const secretKind = typeof kind === 'string' && SECRET_URL_KINDS.includes(kind);
  let carriesCredential = false;
  try {
    const parsed = new URL(url);
    carriesCredential = parsed.username !== '' || parsed.password !== '' || parsed.search !== '';
  } catch {
    // Not a URL at all: the schema check names the field.
  }
  if (!secretKind && !carriesCredential) return;
  const why = secretKind
    ? `a ${kind} webhook URL holds its token`
    : 'this URL holds credentials (user:password@ or a query string)';
  throw usageError(
    `--url: ${why}; give it in --file or on stdin instead of on the command line: ` +
      `echo '{"config": {"url": "…"}}' | hdns alerts channels ${command} --file -`,
  );
}

/**
 * The spec with the options over it; `config` merges over `baseConfig` field by field. `stored`
 * is the channel's kind and the command for hints on update; on add the kind comes from the
 * options or the file.
 */
async function channelSpec(
  opts: ChannelSpecOptions,
  baseConfig: Spec | undefined,
  stored: { kind: string; command: string } | undefined,
): Promise<Spec> {
  if (opts.enable && (opts.disable || opts.disabled)) {
    throw usageError('give only one of --enable and --disable');
  }
  const spec = await readSpec(opts.file);
  const kind = stored?.kind ?? opts.kind ?? spec.kind;
  const kindWord = typeof kind === 'string' ? kind : 'KIND';
  checkUrlOption(opts.url, kind, stored?.command ?? `add --kind ${kindWord} --name NAME`);
  const fromOptions = configOptions(opts);
  const changesConfig = 'config' in spec || Object.keys(fromOptions).length > 0;
  return {
    ...spec,
    ...defined({
      name: opts.name,
      kind: opts.kind,
      enabled: opts.enable ? true : opts.disable || opts.disabled ? false : undefined,
      config: changesConfig
        ? { ...baseConfig, ...asObject(spec.config), ...fromOptions }
        : undefined,
    }),
  };
}

function printChannel(channel: AlertChannel, opts: JsonOption, out: Output, verb: string): void {
  if (opts.json) out.line(JSON.stringify(channel));
  else {
    if (verb === 'created') out.line(channel.id);
    out.notice(`${verb} ${channel.kind} channel ${channel.name}`);
  }
}

export async function addChannel(opts: ChannelSpecOptions, out: Output): Promise<number> {
  const spec = await channelSpec(opts, undefined, undefined);
  const body = checkBody(sourceName(opts.file), alertChannelInputSchema, spec);
  const channel = await call(`cannot create channel ${body.name}`, 'createAlertChannel', { body });
  printChannel(channel, opts, out, 'created');
  return EXIT_OK;
}

/** The stored config as a PATCH may send it back (without the has* flags). */
function storedConfig(channel: AlertChannel): Spec {
  const { hasSecret: _secret, hasSmtpPassword: _password, ...config } = channel.config;
  return config;
}

export async function updateChannel(
  id: string,
  opts: ChannelSpecOptions,
  out: Output,
): Promise<number> {
  if (opts.kind !== undefined) throw usageError('a channel keeps its kind: --kind only on add');
  const { channels } = await call(`cannot update channel ${id}`, 'listAlertChannels');
  const current = channels.find((c) => c.id === id);
  if (!current) throw new CliError(`cannot update channel ${id}: no such channel`, EXIT_NOT_FOUND);
  const spec = await channelSpec(opts, storedConfig(current), {
    kind: current.kind,
    command: `update ${id}`,
  });
  if (Object.keys(spec).length === 0) {
    throw usageError(
      'nothing to change: give --file, --name, a config option or --enable/--disable',
    );
  }
  const body = checkBody(sourceName(opts.file), alertChannelPatchSchema, spec);
  const channel = await call(`cannot update channel ${current.name}`, 'updateAlertChannel', {
    params: { id },
    body,
  });
  printChannel(channel, opts, out, 'updated');
  return EXIT_OK;
}

export async function deleteChannel(id: string, opts: JsonOption, out: Output): Promise<number> {
  await callNoContent(`cannot delete channel ${id}`, 'deleteAlertChannel', { params: { id } });
  if (opts.json) out.line(JSON.stringify({ deleted: id }));
  else out.notice(`deleted channel ${id}`);
  return EXIT_OK;
}
