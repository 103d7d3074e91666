import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { routes } from '@hdns/protocol/rest';
import { AppError } from '../http/app-error.js';
import { errorResponses } from '../http/error-schema.js';
import { okResponse } from '../http/route-contract.js';
import { pingDatabase } from '../storage/db.js';

/** Liveness (the process serves) and readiness (its dependencies answer). */
export const healthRoutes: FastifyPluginAsyncZod = (app) => {
  let closing = false;
  app.addHook('preClose', () => {
    closing = true;
    return Promise.resolve();
  });

  app.get(
    routes.liveness.path,
    {
      logLevel: 'warn',
      schema: { tags: ['health'], summary: 'Liveness', response: okResponse(routes.liveness) },
    },
    () => Promise.resolve({ status: 'ok' as const }),
  );

  app.get(
    routes.readiness.path,
    {
      logLevel: 'warn',
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database answers and the server is not shutting down',
        response: { ...okResponse(routes.readiness), ...errorResponses('NOT_READY') },
      },
    },
    async (request) => {
      if (closing) throw new AppError('NOT_READY', { reason: 'shutting down' });
      try {
        await pingDatabase(app.db);
      } catch (err) {
        request.log.warn({ err }, 'readiness check failed');
        throw new AppError('NOT_READY', { reason: 'database unavailable' });
      }
      return { status: 'ok' as const };
    },
  );
  return Promise.resolve();
};
