import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { routes } from '@hdns/protocol/rest';
import { requireIdentity } from '../auth/auth-plugin.js';
import { AppError } from '../http/app-error.js';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder, requestSchema } from '../http/route-contract.js';
import type { QueryStore } from '../querystore/query-store.js';

const PREFIX = '/api/queries';
const SECURITY = [{ bearerAuth: [] }];
const TAGS = ['queries'];
const DAY_MS = 86_400_000;
const errors = errorResponses(
  'UNAUTHORIZED',
  'AUTH_FAILED',
  'TOKEN_EXPIRED',
  'FORBIDDEN',
  'VALIDATION_ERROR',
  'BAD_CURSOR',
  'QUERY_STORE_OFF',
);

function meta(summary: string, description: string) {
  return { tags: TAGS, summary, description, security: SECURITY };
}

/**
 * The query store's history (mounted at /api/queries). Client addresses are personal data:
 * operators and admins only; viewers get 403 (they have the live stream, redacted, and the
 * statistics). With the store off every route answers 503 QUERY_STORE_OFF.
 */
export const queryRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.authenticate);
  app.addHook('preHandler', (request, _reply, done) => {
    done(requireIdentity(request).role === 'viewer' ? new AppError('FORBIDDEN') : undefined);
  });
  const store = (): QueryStore => {
    const s = app.queryStore.store;
    if (!s) throw new AppError('QUERY_STORE_OFF');
    return s;
  };

  app.get(
    pathUnder(PREFIX, routes.searchQueries),
    {
      schema: {
        ...meta(
          'Search stored queries',
          'Newest first. Filters combine with AND: time range, client address or CIDR, name (`nameMatch`: `exact`, `suffix` = the name and everything under it, `substring`: without `from`, over the last 24 hours), qtype, rcode, blocked, latency at least `minLatencyMs`, transport, node. Pass `nextCursor` as `cursor` for the next page (400 BAD_CURSOR for one not produced by this server).',
        ),
        ...requestSchema(routes.searchQueries),
        response: { ...okResponse(routes.searchQueries), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      // A substring match uses no index: without `from` it covers the last day, so one search
      // cannot scan the whole store (on SQLite, on the event loop).
      const bounded =
        q.name !== undefined && q.nameMatch === 'substring' && q.from === undefined
          ? { ...q, from: new Date(Date.now() - DAY_MS).toISOString() }
          : q;
      return store().search(bounded);
    },
  );
  app.get(
    pathUnder(PREFIX, routes.queryStoreStatus),
    {
      schema: {
        ...meta(
          'The query store: size, retention, sampling',
          'Rows and bytes held, oldest and newest query, the limits (`HDNS_QUERY_RETENTION_DAYS`, `HDNS_QUERY_STORE_MAX_MB`), queries stored and not stored (sampled above `HDNS_QUERY_STORE_MAX_INSERTS_PER_SEC`, or dropped when the store fell behind) since start.',
        ),
        response: { ...okResponse(routes.queryStoreStatus), ...errors },
      },
    },
    async () => {
      const status = await app.queryStore.status();
      if (!status) throw new AppError('QUERY_STORE_OFF');
      return status;
    },
  );
  app.get(
    pathUnder(PREFIX, routes.clientSummary),
    {
      schema: {
        ...meta(
          "One client's queries",
          'Totals, blocked count, rcode and qtype mix, most asked and most blocked names, first and last query in the range (default: the last 24 hours).',
        ),
        ...requestSchema(routes.clientSummary),
        response: { ...okResponse(routes.clientSummary), ...errors },
      },
    },
    async (request) => {
      const to = request.query.to === undefined ? Date.now() : Date.parse(request.query.to);
      const from = request.query.from === undefined ? to - DAY_MS : Date.parse(request.query.from);
      return store().clientSummary(request.params.ip, from, to);
    },
  );
  return Promise.resolve();
};
