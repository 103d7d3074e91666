/**
 * `hdns tail queries`: the live query log. Subscribes to dns_query_log only and filters on this
 * side (the server has no per-client or per-domain subscription); see query-format.ts for the
 * filter and line format.
 *
 * Contract: `--client` cannot match when the server redacts client addresses for this user
 * (below operator); the first such event prints a one-time warning on stderr instead of
 * silently showing nothing.
 */
import { runLive } from '../live-connection.js';
import type { Output } from '../output.js';
import { formatQuery, matchesQuery, type QueryFilter } from '../query-format.js';
import { authenticatedSession } from './authenticated.js';

export interface TailOptions {
  client?: string;
  domain?: string;
  json?: boolean;
}

/** `hdns tail queries` (the only thing to tail so far). */
export async function tailQueries(values: TailOptions, out: Output): Promise<number> {
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
