/**
 * `hdns events`: recent history over REST (GET /api/events), or with --follow the live stream
 * over the WebSocket, one line per event (event-format.ts) or NDJSON with --json.
 *
 * Contract: --type and --category take catalogue names (unknown ones are a usage error listing
 * the valid names); with neither, everything the user may see except the query log (a firehose
 * on a busy server: that is `hdns tail queries`). History is printed oldest first, like `tail`. NDJSON lines are the event frames as the server sent them (history rows
 * also carry `acked`).
 */
import { CATEGORIES, EVENT_TYPES, isCategory, isEventType } from '@hdns/protocol';
import type { EventFrameUnion } from '@hdns/client';
import type { StoredEvent } from '@hdns/protocol/rest';
import { CliError, EXIT_OK, usageError } from '../cli-error.js';
import { formatEvent } from '../event-format.js';
import { describeFailure } from '../http-client.js';
import { callRoute } from '../rest-call.js';
import { runLive } from '../live-connection.js';
import type { Output } from '../output.js';
import { authenticatedSession } from './authenticated.js';
import { splitList } from './parse.js';

export const DEFAULT_HISTORY = 20;
/** Left out unless asked for by --type or --category. */
export const FIREHOSE_TYPE = 'dns_query_log';
export const MAX_HISTORY = 500;

export interface EventsOptions {
  follow?: boolean;
  type: string[];
  category: string[];
  limit?: string;
  json?: boolean;
}

export async function eventsCommand(values: EventsOptions, out: Output): Promise<number> {
  const types = splitList(values.type);
  const categories = splitList(values.category);
  const badType = types.find((t) => !isEventType(t));
  if (badType)
    throw usageError(`unknown event type "${badType}"; known: ${EVENT_TYPES.join(', ')}`);
  const badCategory = categories.find((c) => !isCategory(c));
  if (badCategory) {
    throw usageError(`unknown category "${badCategory}"; known: ${CATEGORIES.join(', ')}`);
  }
  const limit = parseLimit(values.limit);
  const print = (event: EventFrameUnion | StoredEvent): void =>
    out.line(values.json ? JSON.stringify(event) : formatEvent(event));

  const { session } = await authenticatedSession();
  if (!values.follow) {
    const type =
      types.length > 0
        ? types
        : categories.length === 0
          ? EVENT_TYPES.filter((t) => t !== FIREHOSE_TYPE)
          : undefined;
    const { result, body } = await callRoute(
      session.url,
      'listEvents',
      { token: await session.getToken() },
      {
        query: {
          limit,
          order: 'desc',
          ...(type ? { type } : {}),
          ...(categories.length > 0 ? { category: categories } : {}),
        },
      },
    );
    if (!body) throw new CliError(`cannot read events: ${describeFailure(result)}`);
    for (const event of [...body.events].reverse()) print(event);
    return EXIT_OK;
  }
  const items = [...types, ...categories];
  return runLive({
    session,
    out,
    subscriptions: items.length > 0 ? items : defaultSubscriptions(),
    onEvent: print,
  });
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_HISTORY;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_HISTORY) {
    throw usageError(`--limit must be a whole number from 1 to ${MAX_HISTORY}`);
  }
  return n;
}

/** Every category but `query`, plus its one non-firehose type (categories expand per role). */
function defaultSubscriptions(): string[] {
  return [...CATEGORIES.filter((c) => c !== 'query'), 'query_stats'];
}
