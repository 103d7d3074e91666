import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ConnectionInfo } from '@hdns/hub';
import { routes, type LegacyClient, type LegacyMode } from '@hdns/protocol/rest';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder } from '../http/route-contract.js';
import type { LegacyUseRow, LegacyUseStore } from '../realtime/legacy-use-store.js';
import { clusterRead } from './admin-routes.js';

const ADMIN = '/api/admin';

export interface LegacyClientRoutesOptions {
  /** HDNS_LEGACY, as this instance applies it. */
  mode: LegacyMode;
  store: Pick<LegacyUseStore, 'list'>;
}

/**
 * Whether a live connection (any instance) is this row's: same user, generation and, for
 * generation 1, connection type. The hub does not know the URL form, so when one client came in
 * over two routes, both rows show it connected (the old frontends use one form each).
 */
function liveFor(row: LegacyUseRow, live: readonly ConnectionInfo[]): boolean {
  const protocol = `legacy${row.generation}`;
  const client = row.generation === 1 ? `legacy1/${row.connectionType ?? ''}` : undefined;
  return live.some(
    (c) =>
      c.userId === row.userId &&
      c.protocol === protocol &&
      (client === undefined || c.client === client),
  );
}

/**
 * `GET /api/admin/legacy-clients`: who still runs the old frontends (migration controls,
 * docs/legacy-migration.md). Admins only. Mounted at /api/admin.
 */
export const legacyClientRoutes: FastifyPluginAsyncZod<LegacyClientRoutesOptions> = (
  app,
  options,
) => {
  app.addHook('onRequest', app.requireRole('admin'));

  app.get(
    pathUnder(ADMIN, routes.listLegacyClients),
    {
      schema: {
        tags: ['admin'],
        summary: 'Who still uses the legacy WebSocket protocols',
        description:
          'One row per user, protocol generation, URL form and (generation 1) connection type, ' +
          'most recently seen first, with the HDNS_LEGACY mode. Rows are written once per legacy ' +
          'connection (accepted, or refused while the mode is `off`) and when it closes. ' +
          '`connectedNow` reads the live sessions of every instance.',
        security: [{ bearerAuth: [] }],
        response: {
          ...okResponse(routes.listLegacyClients),
          ...errorResponses(
            'UNAUTHORIZED',
            'AUTH_FAILED',
            'TOKEN_EXPIRED',
            'FORBIDDEN',
            'CLUSTER_UNAVAILABLE',
          ),
        },
      },
    },
    async () => {
      const [rows, live] = await Promise.all([
        options.store.list(),
        clusterRead(() => app.hub.clusterConnections()),
      ]);
      const clients: LegacyClient[] = rows.map((row) => ({
        ...row,
        connectedNow: liveFor(row, live),
      }));
      return { mode: options.mode, clients };
    },
  );
  return Promise.resolve();
};
