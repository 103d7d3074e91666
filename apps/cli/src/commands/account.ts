/**
 * `hdns passwd` and `hdns sessions list|end`: the logged-in user's own password and login
 * sessions.
 *
 * Contract:
 * - passwd prompts on stderr for the current password, the new one and the new one again, with
 *   echo off (a terminal on stdin); otherwise (or with --password-stdin) it reads the current and
 *   the new password from the first two lines of stdin. On success the server ends every other
 *   session of the user, and the CLI stores the token it answered with, so this login goes on.
 *   Text: a line on stderr; --json: `{"changed":true,"username":…}` on stdout (never a token).
 * - sessions list prints one line per session (`*` marks this CLI's), or the JSON answer.
 * - sessions end ID ends one session; `sessions end --others` every one but this CLI's. Text:
 *   a line on stderr; --json: `{"ended":N}` on stdout.
 * - A refusal by the server exits 1 with its message (a wrong current password says so).
 */
import { callNoContent } from './rest-command.js';
import type { AccountSession } from '@hdns/protocol/rest';
import { CliError, EXIT_OK, usageError } from '../cli-error.js';
import { apiError, describeFailure, type HttpResult } from '../http-client.js';
import { callRoute } from '../rest-call.js';
import type { Output } from '../output.js';
import { readPassword } from '../password-input.js';
import { authenticatedSession } from './authenticated.js';

const EMPTY = 'passwd failed: empty password';

async function readStdinLines(stdin: NodeJS.ReadStream = process.stdin): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
}

/** The current and the new password, prompted (twice for the new one) or from stdin. */
async function readPasswords(fromStdin: boolean): Promise<{ current: string; next: string }> {
  if (fromStdin || !process.stdin.isTTY) {
    const [current = '', next = ''] = await readStdinLines();
    if (current.length === 0 || next.length === 0) {
      throw new CliError('passwd failed: give the current and the new password on two lines');
    }
    return { current, next };
  }
  const ask = (prompt: string) => readPassword({ fromStdin: false, prompt, refusal: EMPTY });
  const current = await ask('Current password: ');
  const next = await ask('New password: ');
  if ((await ask('Repeat new password: ')) !== next) {
    throw new CliError('passwd failed: the two new passwords differ; nothing changed');
  }
  return { current, next };
}

function passwdRefusal(result: HttpResult): CliError {
  const err = apiError(result);
  if (err?.code === 'CURRENT_PASSWORD_WRONG') {
    return new CliError('passwd failed: the current password is wrong; nothing changed');
  }
  if (err?.code === 'TOO_MANY_ATTEMPTS') {
    const retry = result.headers.get('retry-after');
    return new CliError(
      `passwd failed: too many wrong attempts${retry ? `; retry in ${retry} s` : ''}`,
    );
  }
  if (err?.code === 'VALIDATION_ERROR') {
    const issues = (result.body as { details?: { issues?: { message?: string }[] } }).details
      ?.issues;
    const why = issues
      ?.map((i) => i.message)
      .filter(Boolean)
      .join('; ');
    return new CliError(`passwd failed: the new password is not accepted${why ? `: ${why}` : ''}`);
  }
  return new CliError(`passwd failed: ${describeFailure(result)}`);
}

export interface PasswdOptions {
  passwordStdin?: boolean;
  json?: boolean;
}

export async function passwdCommand(values: PasswdOptions, out: Output): Promise<number> {
  // Logged in first: no point asking for passwords a dead session cannot use.
  const { session } = await authenticatedSession();
  const { current, next } = await readPasswords(values.passwordStdin === true);
  const { result, body } = await callRoute(
    session.url,
    'changePassword',
    { token: await session.getToken() },
    { body: { currentPassword: current, newPassword: next } },
  );
  if (!body) throw passwdRefusal(result);
  await session.adopt(result, body);
  if (values.json) out.line(JSON.stringify({ changed: true, username: body.user.username }));
  else out.notice(`password changed for ${body.user.username}; your other sessions were ended`);
  return EXIT_OK;
}

/** One line: marker, id, login time, last use, address, user agent. */
export function formatSession(s: AccountSession): string {
  return [
    s.current ? '*' : ' ',
    s.id,
    `since ${s.createdAt}`,
    `last used ${s.lastUsedAt}`,
    s.ip ?? '?',
    s.userAgent ?? 'unknown client',
  ].join('  ');
}

export async function listSessions(values: { json?: boolean }, out: Output): Promise<number> {
  const { session } = await authenticatedSession();
  const { result, body } = await callRoute(session.url, 'listAccountSessions', {
    token: await session.getToken(),
  });
  if (!body) throw new CliError(`cannot list sessions: ${describeFailure(result)}`);
  if (values.json) out.line(JSON.stringify(body));
  else if (body.sessions.length === 0) out.notice('no sessions');
  else for (const s of body.sessions) out.line(formatSession(s));
  return EXIT_OK;
}

export async function endSessions(
  id: string | undefined,
  values: { others?: boolean; json?: boolean },
  out: Output,
): Promise<number> {
  if ((id === undefined) === (values.others !== true)) {
    throw usageError('sessions end: give a session ID or --others');
  }
  const { session } = await authenticatedSession();
  const auth = { token: await session.getToken() };
  let ended: number;
  if (id !== undefined) {
    await callNoContent(`cannot end session ${id}`, 'endAccountSession', { params: { id } });
    ended = 1;
  } else {
    const { result, body } = await callRoute(session.url, 'endOtherAccountSessions', auth);
    if (!body) throw new CliError(`cannot end sessions: ${describeFailure(result)}`);
    ended = body.ended;
  }
  if (values.json) out.line(JSON.stringify({ ended }));
  else out.notice(ended === 1 ? 'ended 1 session' : `ended ${ended} sessions`);
  return EXIT_OK;
}
