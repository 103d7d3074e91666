/**
 * The shared shape of the REST commands (records, rpz, feeds, users, alerts): log in, call one
 * route, and turn a refusal into a CliError whose exit code follows the HTTP status (404 → 3,
 * 409 → 4, anything else → 1; see cli-error.ts). Success output is either the parsed REST body
 * as one JSON line (`--json`) or the command's own human table.
 */
import type { CallArgs, ResponseOf, RouteName, Routes } from '@hdns/protocol/rest';
import { CliError, exitCodeForStatus } from '../cli-error.js';
import { describeFailure, type HttpResult } from '../http-client.js';
import type { Output } from '../output.js';
import { callRoute } from '../rest-call.js';
import { formatTable } from '../table.js';
import { authenticatedSession } from './authenticated.js';

export interface JsonOption {
  json?: boolean;
}

export function refusedError(what: string, result: HttpResult): CliError {
  return new CliError(`${what}: ${describeFailure(result)}`, exitCodeForStatus(result.status));
}

/** Calls a route with the stored login; resolves with the parsed body or throws the refusal. */
export async function call<K extends RouteName>(
  what: string,
  name: K,
  ...args: CallArgs<Routes[K]>
): Promise<ResponseOf<K>> {
  const { result, body } = await send(name, ...args);
  if (body === undefined) throw refusedError(what, result);
  return body;
}

/** For the routes that answer 204 without a body (deletes): success is the status alone. */
export async function callNoContent<K extends RouteName>(
  what: string,
  name: K,
  ...args: CallArgs<Routes[K]>
): Promise<void> {
  const { result } = await send(name, ...args);
  if (result.status !== 204) throw refusedError(what, result);
}

async function send<K extends RouteName>(name: K, ...args: CallArgs<Routes[K]>) {
  const { session } = await authenticatedSession();
  return callRoute(session.url, name, { token: await session.getToken() }, ...args);
}

/** A table on stdout, or a note on stderr when there is nothing to show. */
export function printTable(
  out: Output,
  header: readonly string[],
  rows: readonly (readonly string[])[],
  empty: string,
): void {
  if (rows.length === 0) out.notice(empty);
  else for (const line of formatTable(header, rows)) out.line(line);
}
