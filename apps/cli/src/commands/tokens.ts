/**
 * `hdns tokens list|create|revoke`: the caller's API tokens.
 *
 * Contract: list prints one line per token (or the JSON answer with --json); create prints the
 * secret on stdout (text: the secret alone, so `$(hdns tokens create ci)` captures it; JSON: the
 * whole answer) and what it may do on stderr; revoke prints nothing on stdout without --json.
 * A refusal by the server exits 1 with its code and message.
 */
import { callNoContent } from './rest-command.js';
import { API_TOKEN_MAX_DAYS, ROLES, type ApiToken } from '@hdns/protocol/rest';
import { CliError, EXIT_OK } from '../cli-error.js';
import { describeFailure } from '../http-client.js';
import { callRoute } from '../rest-call.js';
import type { Output } from '../output.js';
import { authenticatedSession } from './authenticated.js';
import { oneOf, splitList, wholeNumber } from './parse.js';

/** One line: id, name, role, zones, flags, expiry, last use. */
export function formatToken(t: ApiToken): string {
  const zones = t.zones === null ? 'all zones' : t.zones.join(',') || 'no zones';
  const lastUse =
    t.lastUsedAt === null ? 'never used' : `used ${t.lastUsedAt} from ${t.lastUsedFrom ?? '?'}`;
  return [
    t.id,
    t.name,
    t.role,
    zones,
    t.readOnly ? 'read-only' : 'read-write',
    t.expiresAt === null ? 'no expiry' : `expires ${t.expiresAt}`,
    lastUse,
    `owner ${t.ownerUsername}`,
    `${t.prefix}…`,
  ].join('  ');
}

export async function listTokens(
  values: { all?: boolean; json?: boolean },
  out: Output,
): Promise<number> {
  const { session } = await authenticatedSession();
  const { result, body } = await callRoute(
    session.url,
    'listApiTokens',
    { token: await session.getToken() },
    { query: { all: values.all ? 'true' : 'false' } },
  );
  if (!body) throw new CliError(`cannot list tokens: ${describeFailure(result)}`);
  if (values.json) out.line(JSON.stringify(body));
  else if (body.tokens.length === 0) out.notice('no API tokens');
  else for (const t of body.tokens) out.line(formatToken(t));
  return EXIT_OK;
}

export interface CreateTokenOptions {
  role?: string;
  zones?: string;
  readOnly?: boolean;
  expiresInDays?: string;
  json?: boolean;
}

export async function createToken(
  name: string,
  values: CreateTokenOptions,
  out: Output,
): Promise<number> {
  const role = values.role === undefined ? undefined : oneOf('--role', values.role, ROLES);
  const expiresInDays = wholeNumber(
    '--expires-in-days',
    values.expiresInDays,
    1,
    API_TOKEN_MAX_DAYS,
  );
  const zones = values.zones === undefined ? undefined : splitList(values.zones);
  const { session } = await authenticatedSession();
  const { result, body } = await callRoute(
    session.url,
    'createApiToken',
    { token: await session.getToken() },
    {
      body: {
        name,
        readOnly: values.readOnly === true,
        ...(role !== undefined ? { role } : {}),
        ...(zones !== undefined ? { zones } : {}),
        ...(expiresInDays !== undefined ? { expiresInDays } : {}),
      },
    },
  );
  if (!body) throw new CliError(`cannot create the token: ${describeFailure(result)}`);
  if (values.json) {
    out.line(JSON.stringify(body));
  } else {
    out.line(body.secret);
    out.notice(`created ${formatToken(body.token)}`);
    out.notice('the secret above is shown this once: store it now');
  }
  return EXIT_OK;
}

export async function revokeToken(
  id: string,
  values: { json?: boolean },
  out: Output,
): Promise<number> {
  await callNoContent(`cannot revoke ${id}`, 'revokeApiToken', { params: { id } });
  if (values.json) out.line(JSON.stringify({ revoked: id }));
  else out.notice(`revoked ${id}`);
  return EXIT_OK;
}
