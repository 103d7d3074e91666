/**
 * `hdns tail queries`: the live query log. Subscribes to dns_query_log only and filters on this
 * side (the server has no per-client or per-domain subscription); see query-format.ts for the
 * filter and line format.
 *
 * Contract: `--client` cannot match when the server redacts client addresses for this user
 * (below operator); the first such event prints a one-time warning on stderr instead of
 * silently showing nothing.
 */
import { parseArgs } from 'node:util';
import { EXIT_OK, usageError } from '../cli-error.js';
import { runLive } from '../live-connection.js';
import type { Output } from '../output.js';
import { formatQuery, matchesQuery, type QueryFilter } from '../query-format.js';
import { TAIL_USAGE } from '../usage.js';
import { authenticatedSession } from './authenticated.js';
import { parse } from './parse.js';

export async function tailCommand(args: string[], out: Output): Promise<number> {
  const { values, positionals } = parse(() =>
    parseArgs({
      args,
      options: {
        client: { type: 'string' },
        domain: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    }),
  );
  if (values.help) {
    out.line(TAIL_USAGE);
    return EXIT_OK;
  }
  const [what, ...extra] = positionals;
  if (what !== 'queries' || extra.length > 0) {
    throw usageError(
      `tail: expected \`hdns tail queries\`${what ? `, got "${positionals.join(' ')}"` : ''}`,
    );
  }
  const filter: QueryFilter = {
    ...(values.client !== undefined ? { client: values.client } : {}),
    ...(values.domain !== undefined ? { domain: values.domain } : {}),
  };
  const { session } = await authenticatedSession();
  let warnedRedacted = false;
  return runLive({
    session,
    out,
    subscriptions: ['dns_query_log'],
    onEvent: (event) => {
      if (event.event !== 'dns_query_log') return;
      if (
        filter.client !== undefined &&
        !warnedRedacted &&
        event.meta.redacted?.includes('clientIp')
      ) {
        warnedRedacted = true;
        out.notice('client addresses are redacted for your role: --client cannot match');
      }
      if (!matchesQuery(event.data, filter)) return;
      out.line(values.json ? JSON.stringify(event) : formatQuery(event.data));
    },
  });
}
