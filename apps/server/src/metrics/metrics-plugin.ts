import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { AppError } from '../http/app-error.js';
import { metricsAccessCheck } from './metrics-access.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Prometheus registry served at /metrics; parts of the app register on it. */
    metrics: Registry;
  }
}

/**
 * One registry per app instance (tests build many apps in one process, so no global registry),
 * with Node's default process metrics, served in the Prometheus text format at GET /metrics.
 * Access follows `config.metricsAccess` (metrics-access.ts): 401 without the configured bearer
 * token, 403 from an address outside the allow-list.
 */
function metricsPlugin(app: FastifyInstance): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hdns_' });
  app.decorate('metrics', registry);
  const check = metricsAccessCheck(app.config.metricsAccess);
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const verdict = check(request);
    if (verdict === 'unauthorized') {
      throw new AppError('UNAUTHORIZED', undefined, {
        message: 'GET /metrics needs Authorization: Bearer <HDNS_METRICS_TOKEN>',
        headers: { 'www-authenticate': 'Bearer realm="metrics"' },
      });
    }
    if (verdict === 'forbidden') {
      throw new AppError('FORBIDDEN', undefined, {
        message: 'This address may not read /metrics (HDNS_METRICS_ALLOW)',
      });
    }
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });
  return Promise.resolve();
}

export const metrics = fp(metricsPlugin, { name: 'hdns-metrics' });
