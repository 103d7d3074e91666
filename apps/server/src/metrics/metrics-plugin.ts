import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Prometheus registry served at /metrics; parts of the app register on it. */
    metrics: Registry;
  }
}

/**
 * One registry per app instance (tests build many apps in one process, so no global registry),
 * with Node's default process metrics, served in the Prometheus text format at GET /metrics.
 */
function metricsPlugin(app: FastifyInstance): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hdns_' });
  app.decorate('metrics', registry);
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });
  return Promise.resolve();
}

export const metrics = fp(metricsPlugin, { name: 'hdns-metrics' });
