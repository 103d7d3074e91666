import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { routes, type Secondary, type TsigKey } from '@hdns/protocol/rest';
import { requireIdentity } from '../auth/auth-plugin.js';
import { AppError } from '../http/app-error.js';
import { errorResponses } from '../http/error-schema.js';
import { okResponse, pathUnder, requestSchema } from '../http/route-contract.js';
import { BIND_LISTEN_ADDRESS } from '../bind/bind-layout.js';
import { consumerConfig, primaryEndpoint } from '../dns/catalog-consumer.js';
import { probeSoa } from '../monitors/soa-probe.js';
import { keyStatement, withoutSecret } from '../dns/replication-service.js';
import type { SecondaryRow, TsigKeyRow } from '../dns/replication-store.js';

const SECURITY = [{ bearerAuth: [] }];
const ERRORS = [
  'UNAUTHORIZED',
  'AUTH_FAILED',
  'TOKEN_EXPIRED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VALIDATION_ERROR',
  'STALE_VERSION',
  'TSIG_KEY_IN_USE',
  'TSIG_KEY_NAME_TAKEN',
  'ZONE_CHECK_FAILED',
  'BIND_RELOAD_FAILED',
  'BIND_UNAVAILABLE',
  'BIND_OUTCOME_UNKNOWN',
] as const;
const KEYS = '/api/tsig-keys';
const TAGS = ['replication'];

const errors = errorResponses(...ERRORS);

function meta(summary: string, description?: string) {
  return { tags: TAGS, summary, ...(description ? { description } : {}), security: SECURITY };
}
const SECONDARIES = '/api/secondaries';

/**
 * TSIG keys (mounted at /api/tsig-keys) and secondaries (at /api/secondaries). Operators and
 * admins read (a key's secret never: it is in the answer to create and rotate only, for the admin
 * who made it); admins change. Viewers get 403: addresses and key names describe the network.
 */
export const tsigKeyRoutes: FastifyPluginAsyncZod = (app) => {
  guard(app);
  const service = app.dns.replication.service;
  const view = async (k: TsigKeyRow): Promise<TsigKey> => ({
    ...withoutSecret(k),
    usedBy: (await service.usage()).get(k.id) ?? [],
  });
  const revealed = async (k: TsigKeyRow) => ({
    ...(await view(k)),
    secret: k.secret,
    config: keyStatement(k),
  });

  app.get(
    pathUnder(KEYS, routes.listTsigKeys),
    {
      schema: {
        ...meta('List TSIG keys'),
        ...requestSchema(routes.listTsigKeys),
        response: { ...okResponse(routes.listTsigKeys), ...errors },
      },
    },
    async () => {
      const { keys } = await service.lists();
      const usage = await service.usage();
      return { keys: keys.map((k) => ({ ...withoutSecret(k), usedBy: usage.get(k.id) ?? [] })) };
    },
  );
  app.post(
    pathUnder(KEYS, routes.createTsigKey),
    {
      schema: {
        ...meta(
          'Create a TSIG key',
          "A new random secret of the algorithm's digest size, or `secret` to share an existing key. The answer is the only time the secret is shown: `config` is the `key` statement for the other server.",
        ),
        ...requestSchema(routes.createTsigKey),
        response: { ...okResponse(routes.createTsigKey), ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await revealed(await service.createKey(requireIdentity(request), request.body))),
  );
  app.post(
    pathUnder(KEYS, routes.rotateTsigKey),
    {
      schema: {
        ...meta(
          'Give a TSIG key a new secret',
          'Every secondary and primary using the key needs the new secret: transfers with the old one fail from now on. Shown once, like a new key.',
        ),
        ...requestSchema(routes.rotateTsigKey),
        response: { ...okResponse(routes.rotateTsigKey), ...errors },
      },
    },
    async (request) =>
      revealed(await service.rotateKey(requireIdentity(request), request.params.id, request.body)),
  );
  app.delete(
    pathUnder(KEYS, routes.deleteTsigKey),
    {
      schema: {
        ...meta(
          'Delete a TSIG key',
          'Refused with 409 TSIG_KEY_IN_USE while a secondary or a secondary zone uses it.',
        ),
        ...requestSchema(routes.deleteTsigKey),
        response: { ...okResponse(routes.deleteTsigKey), ...errors },
      },
    },
    async (request, reply) => {
      await service.deleteKey(requireIdentity(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  return Promise.resolve();
};

export const secondaryRoutes: FastifyPluginAsyncZod = (app) => {
  guard(app);
  const service = app.dns.replication.service;
  const readings = app.dns.replication.readings;
  const view = (s: SecondaryRow, keys: readonly TsigKeyRow[]): Secondary => {
    const r = readings.secondary(s.id);
    return {
      ...s,
      tsigKeyName: keys.find((k) => k.id === s.tsigKeyId)?.name ?? null,
      state: s.enabled ? (r?.state ?? 'unknown') : 'unknown',
      laggingZones: r?.laggingZones ?? [],
      checkedAt: r?.checkedAt ?? null,
      message: r?.message ?? null,
    };
  };
  const one = async (s: SecondaryRow) => view(s, (await service.lists()).keys);

  app.get(
    pathUnder(SECONDARIES, routes.listSecondaries),
    {
      schema: {
        ...meta(
          'List secondaries, their state and the catalog zone',
          "Each secondary with the watcher's last reading (`state`, `laggingZones`). `consumerConfig` is what a BIND secondary adds to consume the catalog zone, with this server as its primary.",
        ),
        ...requestSchema(routes.listSecondaries),
        response: { ...okResponse(routes.listSecondaries), ...errors },
      },
    },
    async () => {
      const { keys, secondaries } = await service.lists();
      const catalog = service.catalogZone;
      let config: string | null = null;
      if (catalog !== null) {
        const settings = (await app.dns.settings.view()).settings;
        const port = app.bind.managed?.ports.dns ?? 53;
        const keyId = secondaries.find((s) => s.tsigKeyId !== null)?.tsigKeyId;
        const keyName = keys.find((k) => k.id === keyId)?.name ?? null;
        config = consumerConfig(catalog, primaryEndpoint(settings, port), keyName);
      }
      return {
        secondaries: secondaries.map((s) => view(s, keys)),
        catalogZone: catalog,
        consumerConfig: config,
      };
    },
  );
  app.post(
    pathUnder(SECONDARIES, routes.createSecondary),
    {
      schema: {
        ...meta(
          'Add a secondary',
          'named notifies it (`also-notify`, on its port) and lets it transfer every primary zone and the catalog zone: with its TSIG key, or by its address when it has none.',
        ),
        ...requestSchema(routes.createSecondary),
        response: { ...okResponse(routes.createSecondary), ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await one(await service.createSecondary(requireIdentity(request), request.body))),
  );
  app.patch(
    pathUnder(SECONDARIES, routes.updateSecondary),
    {
      schema: {
        ...meta('Change a secondary'),
        ...requestSchema(routes.updateSecondary),
        response: { ...okResponse(routes.updateSecondary), ...errors },
      },
    },
    async (request) =>
      one(await service.updateSecondary(requireIdentity(request), request.params.id, request.body)),
  );
  app.delete(
    pathUnder(SECONDARIES, routes.deleteSecondary),
    {
      schema: {
        ...meta('Remove a secondary'),
        ...requestSchema(routes.deleteSecondary),
        response: { ...okResponse(routes.deleteSecondary), ...errors },
      },
    },
    async (request, reply) => {
      await service.deleteSecondary(requireIdentity(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  return Promise.resolve();
};

/**
 * The serial our named serves: an SOA query to it (a secondary zone's comes from its primaries,
 * and the watcher reads primary zones only), else the one this server last confirmed.
 */
async function servedSerial(
  app: FastifyInstance,
  zone: string,
  type: string,
): Promise<number | null> {
  const managed = app.bind.managed;
  if (managed && type !== 'forward') {
    const reading = await probeSoa(
      { address: BIND_LISTEN_ADDRESS, port: managed.ports.dns },
      zone,
      1000,
    );
    if (reading.kind === 'serial') return reading.serial;
    if (type === 'secondary') return null;
  }
  return app.dns.backend.appliedSerial(zone) ?? null;
}

/** Signed in, and at least an operator. */
function guard(app: FastifyInstance): void {
  app.addHook('onRequest', app.authenticate);
  app.addHook('preHandler', (request, _reply, done) => {
    done(requireIdentity(request).role === 'viewer' ? new AppError('FORBIDDEN') : undefined);
  });
}

/** A zone's serials: database, served, each secondary's. Mounted at /api/zones; zone readers. */
export const zoneSyncRoutes: FastifyPluginAsyncZod = (app) => {
  app.addHook('onRequest', app.authenticate);
  app.get(
    pathUnder('/api/zones', routes.getZoneSync),
    {
      schema: {
        tags: ['zones'],
        summary: "A zone's serials: in the database, served by named, on each secondary",
        description:
          "The replication watcher's last reading (every `HDNS_SECONDARY_CHECK_SECONDS`); `drift` is true while named or an enabled secondary is not at the database's serial. Before the first reading: the database's serial and the one this server last confirmed, `checkedAt` null. Live: `zone_sync` events.",
        security: SECURITY,
        ...requestSchema(routes.getZoneSync),
        response: {
          ...okResponse(routes.getZoneSync),
          ...errorResponses(
            'UNAUTHORIZED',
            'AUTH_FAILED',
            'TOKEN_EXPIRED',
            'FORBIDDEN',
            'NOT_FOUND',
          ),
        },
      },
    },
    async (request) => {
      const zone = await app.dns.zones.get(requireIdentity(request), request.params.zone);
      const reading = app.dns.replication.readings.zone(zone.name);
      if (reading) return reading;
      const served = await servedSerial(app, zone.name, zone.type);
      return {
        zone: zone.name,
        dbSerial: zone.serial,
        servedSerial: served,
        secondaries: [],
        drift: zone.serial !== null && served !== null && zone.serial !== served,
        checkedAt: null,
      };
    },
  );
  return Promise.resolve();
};
