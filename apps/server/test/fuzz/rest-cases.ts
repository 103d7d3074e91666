import fc from 'fast-check';
import { FUZZ_ZONE, type FuzzServer, type OpenApiDoc } from './fuzz-server.js';
import { checkHttp, defineTarget } from './fuzz-target.js';
import { BROKEN_PERCENT, mutatedJson } from './mutate.js';
import { rawExchange } from './raw-wire.js';
import { schemaArb, type Json } from './schema-arb.js';

/**
 * REST requests for every operation in the server's own OpenAPI document (fetched from
 * `/docs/json` when the suite starts, so a new route is fuzzed without touching this file):
 * path parameters from fuzzed strings (bad percent-encoding, dot segments, overlong, unicode)
 * or a real zone name, query parameters from their schemas or hostile strings, bodies that are
 * schema-valid, mutated, or not JSON at all, under assorted content types, as the admin, as
 * nobody, and with a broken token.
 */

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Operation {
  method: string;
  path: string;
  params: string[];
  query: { name: string; schema: unknown }[];
  body: unknown;
}

export function operations(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const parameters = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema })),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

/** Raw bytes for a request target: spaces and controls encoded, bad `%` sequences kept. */
function targetSafe(s: string): string {
  // Everything at or below space, DEL and above, and the two delimiters of a target.
  return s.replace(/[^\u0021-\u007e]|[#?]/g, (c) =>
    Buffer.from(c).toString('hex').replace(/(..)/g, '%$1'),
  );
}

const pathParam = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s)) },
  fc.constantFrom(
    FUZZ_ZONE,
    'example.test',
    '00000000-0000-0000-0000-000000000000',
    '1',
    '-1',
    '0x10',
    'NaN',
  ),
  fc.constantFrom(...BROKEN_PERCENT),
  fc.string({ maxLength: 20, unit: 'binary' }).map(targetSafe),
  fc.integer({ min: 90, max: 400 }).map((n) => 'a'.repeat(n)),
  fc.domain(),
);

const hostileText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '',
    '%ZZ',
    '-1',
    '1e999',
    'NaN',
    '9'.repeat(30),
    'null',
    '[]',
    'true',
    '2026-13-45T99:99:99Z',
  ),
);

function queryArb(op: Operation, root: Record<string, unknown>): fc.Arbitrary<string> {
  const known = op.query.map((q) =>
    fc.option(
      fc.oneof(
        schemaArb(q.schema, root).map((v: Json) => (typeof v === 'string' ? v : JSON.stringify(v))),
        hostileText,
      ),
      { nil: undefined },
    ),
  );
  const extra = fc.array(
    fc.tuple(fc.constantFrom('token', 'x', '__proto__', 'limit', ''), hostileText),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...known), extra, fc.boolean()).map(([values, more, raw]) => {
    const pairs: [string, string][] = [];
    values.forEach((v, i) => {
      const name = op.query[i]?.name;
      if (name !== undefined && v !== undefined) pairs.push([name, v]);
    });
    pairs.push(...more);
    if (pairs.length === 0) return '';
    const enc = (s: string) => (raw ? targetSafe(s) : encodeURIComponent(s));
    return `?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}`;
  });
}

function bodyArb(op: Operation, root: Record<string, unknown>): fc.Arbitrary<string | undefined> {
  const junk = fc.oneof(
    fc.string({ maxLength: 100 }),
    fc.constantFrom('{', '[]', 'null', '""', 'a=b&c=d', '<x/>'),
  );
  if (op.body === undefined) {
    return fc.oneof(
      { weight: 5, arbitrary: fc.constant(undefined) },
      junk,
      mutatedJson(fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>),
    );
  }
  const valid = schemaArb(op.body, root);
  return fc.oneof(
    { weight: 3, arbitrary: valid.map((v) => JSON.stringify(v)) },
    { weight: 4, arbitrary: mutatedJson(valid) },
    junk,
    fc.constant(undefined),
  );
}

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  fc.constantFrom(
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/json;;',
    'APPLICATION/JSON',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/xml',
    'multipart/form-data; boundary=x',
    'application/vnd.api+json',
    '',
    '*/*',
  ),
);

export interface RestCase {
  method: string;
  target: string;
  auth: 'admin' | 'none' | 'garbage';
  body: string | undefined;
  contentType: string;
  /** How the body is framed: honestly, chunked, with a broken chunk, or a short length. */
  framing?: Framing;
}

type Framing = 'length' | 'chunked' | 'bad-chunk' | 'short-length';

const framing = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Framing>('length') },
  fc.constantFrom<Framing>('chunked', 'bad-chunk', 'short-length'),
);

function restCase(server: FuzzServer): fc.Arbitrary<RestCase> {
  const root = server.openapi as unknown as Record<string, unknown>;
  const perOp = operations(server.openapi).map((op) =>
    fc
      .record({
        params: fc.tuple(...op.params.map(() => pathParam)),
        query: queryArb(op, root),
        body: bodyArb(op, root),
        contentType,
        framing,
        auth: fc.oneof(
          { weight: 4, arbitrary: fc.constant('admin' as const) },
          fc.constantFrom('none' as const, 'garbage' as const),
        ),
        method: fc.oneof(
          { weight: 9, arbitrary: fc.constant(op.method) },
          fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
        ),
      })
      .map((r) => {
        let i = 0;
        const path = op.path.replace(/\{[^}]+\}/g, () => r.params[i++] ?? '');
        return {
          method: r.method,
          target: path + r.query,
          auth: r.auth,
          body: r.body,
          contentType: r.contentType,
          framing: r.framing,
        };
      }),
  );
  // Paths outside the document too: the dashboard's catch-all, /docs, /metrics, nonsense.
  const elsewhere = fc
    .record({
      segments: fc.array(pathParam, { minLength: 1, maxLength: 3 }),
      root: fc.constantFrom('', '/assets', '/docs', '/metrics', '/api', '/ws', '/healthz'),
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'OPTIONS'),
      auth: fc.constantFrom('admin' as const, 'none' as const),
      body: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
      contentType,
    })
    .map((r) => ({
      method: r.method,
      target: `${r.root}/${r.segments.join('/')}`,
      auth: r.auth,
      body: r.body,
      contentType: r.contentType,
    }));
  return fc.oneof({ weight: 10, arbitrary: fc.oneof(...perOp) }, elsewhere);
}

export function encodeRestCase(c: RestCase, adminToken: string): Buffer {
  const headers = ['Host: 127.0.0.1', 'Connection: close'];
  if (c.auth === 'admin') headers.push(`Authorization: Bearer ${adminToken}`);
  if (c.auth === 'garbage') headers.push('Authorization: Bearer eyJhbGciOiJub25lIn0.e30.');
  let body = c.body === undefined ? undefined : Buffer.from(c.body);
  if (body !== undefined) {
    if (c.contentType !== '') headers.push(`Content-Type: ${c.contentType}`);
    const f = c.framing ?? 'length';
    if (f === 'length') headers.push(`Content-Length: ${body.length}`);
    if (f === 'short-length') headers.push(`Content-Length: ${Math.floor(body.length / 2)}`);
    if (f === 'chunked' || f === 'bad-chunk') {
      headers.push('Transfer-Encoding: chunked');
      const size = f === 'chunked' ? body.length.toString(16) : 'zz';
      body = Buffer.concat([Buffer.from(`${size}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
    }
  }
  const head = Buffer.from(
    `${c.method} ${c.target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`,
    'latin1',
  );
  return body ? Buffer.concat([head, body]) : head;
}

/**
 * Bodies that make our named or the server dial another host (an AXFR import's `server`, a
 * secondary's `address` that named notifies, a secondary zone's `primaries` it pulls from) must
 * not send the test's packets beyond loopback: parseable ones are pinned to 127.0.0.1 (a closed
 * or non-DNS port there still exercises the refusal paths).
 */
function keepTransfersLocal(c: RestCase): RestCase {
  if (c.body === undefined || !/\/import\/axfr|\/api\/secondaries|\/api\/zones/.test(c.target))
    return c;
  try {
    const parsed = JSON.parse(c.body) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return c;
    const pinned: Record<string, unknown> = { ...parsed };
    if ('server' in pinned) pinned.server = '127.0.0.1';
    if ('address' in pinned) pinned.address = '127.0.0.1';
    if (Array.isArray(pinned.primaries)) pinned.primaries = pinned.primaries.map(() => '127.0.0.1');
    return { ...c, body: JSON.stringify(pinned) };
  } catch {
    return c;
  }
}

export const restTarget = defineTarget({
  name: 'REST routes of the OpenAPI document',
  runs: 1600,
  touchesServer: true,
  arbitrary: (server) => restCase(server),
  async run(server, c0) {
    const c = keepTransfersLocal(c0);
    const res = await rawExchange(server.target, encodeRestCase(c, server.adminToken), {
      quietMs: 2000,
      maxMs: 10_000,
    });
    checkHttp(res, `${c.method} ${c.target} (${c.auth}, ${c.contentType || 'no type'})`);
  },
});
