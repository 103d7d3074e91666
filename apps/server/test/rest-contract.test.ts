import { routes } from '@hdns/protocol/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * The route table of @hdns/protocol/rest is what the dashboard and the CLI call: every entry
 * must be a route the server registers (same method, same path, same success status), and every
 * route the server documents must be in the table.
 */
describe('REST route table', () => {
  let server: TestServer;
  let paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;

  beforeAll(async () => {
    server = await startTestServer();
    const res = await server.api('/docs/json');
    paths = (res.body as { paths: typeof paths }).paths;
  });
  afterAll(() => server.close());

  const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

  it('lists only routes the server serves, with their success status', () => {
    for (const [name, route] of Object.entries(routes)) {
      const op = paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      expect(op, `${name}: ${route.method} ${route.path}`).toBeDefined();
      expect(Object.keys(op?.responses ?? {}), name).toContain(String(route.status));
    }
  });

  it('lists every documented route', () => {
    const table = new Set(Object.values(routes).map((r) => `${r.method} ${openApiPath(r.path)}`));
    const documented = Object.entries(paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.filter((r) => !table.has(r))).toEqual([]);
  });
});
