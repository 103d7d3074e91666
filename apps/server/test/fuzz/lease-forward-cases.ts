import fc from 'fast-check';
import { BROKEN_PERCENT } from './mutate.js';

/**
 * Hostile DNS writes for an instance that does NOT hold the BIND lease (lease-forward.ts): the
 * path it forwards to the holder. Every case carries at least one defect that must make it fail
 * wherever it is judged (`breaker`): a bad sign-in, a forwarding header of its own (a client may
 * never send one), or a body no route accepts. Everything else varies freely (method, path
 * spelling, query, framing), so a case that succeeds or changes stored data is a bug.
 */

export const FUZZ_ZONE = 'lfz.test';

export type Breaker = 'auth' | 'lease' | 'body';

export interface LeaseCase {
  method: string;
  target: string;
  /** Authorization header lines, first one wins in Node (duplicates of it are dropped). */
  auth: readonly string[];
  /** x-hdns-lease-token header lines (several make Node join them with ", "). */
  leaseTokens: readonly string[];
  contentType: string | undefined;
  body: Buffer | undefined;
  chunked: boolean;
  breaker: Breaker;
}

/** The templates of the DNS write routes; `{z}` is a zone, `{id}` an id. */
const ROUTES = [
  '/api/zones',
  '/api/zones/{z}',
  '/api/zones/{z}/records',
  '/api/zones/{z}/records/{id}',
  '/api/zones/{z}/records/import',
  '/api/forwarders',
  '/api/forwarders/{id}',
  '/api/rpz/rules',
  '/api/rpz/rules/{id}',
  '/api/rpz/rules/import',
];

// Mostly names that route (so the forwarding itself is reached), the rest hostile.
const segment = fc.oneof(
  { weight: 6, arbitrary: fc.constant(FUZZ_ZONE) },
  { weight: 3, arbitrary: fc.constantFrom('other.test', '1', '-1', 'NaN', '0x10') },
  fc.constantFrom(...BROKEN_PERCENT),
  fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)),
  fc.constant('00000000-0000-0000-0000-000000000000'),
);

/** Spellings of one path: the ones a router or a prefix check may read differently. */
const identity = (p: string) => p;
const pathMutation = fc.oneof(
  { weight: 12, arbitrary: fc.constant(identity) },
  fc.constantFrom(
    (p: string) => `${p}/`,
    (p: string) => `${p}//`,
    (p: string) => `/${p}`,
    (p: string) => p.replace('/api/', '/api//'),
    (p: string) => p.replace('/api/', '/API/'),
    // The first letter after /api/ percent-encoded: `/api/%7Aones` is not `/api/zones` to a
    // prefix check on the raw URL, but may be to a router that decodes first.
    (p: string) =>
      p.replace(/^\/api\/(.)/, (_m, c: string) => `/api/%${c.charCodeAt(0).toString(16)}`),
    (p: string) => p.replace('/api/', '/api/x/../'),
    (p: string) => p.replace('/api/', '/api/%2e%2e/api/'),
    (p: string) => p.replace(/\//g, '%2F').replace(/^%2F/, '/'),
    (p: string) => `${p};jsessionid=1`,
    (p: string) => `${p}%00`,
    (p: string) => `${p}#frag`,
  ),
);

const query = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  fc.constantFrom(
    '?',
    '?a=1&a=2',
    '?x-hdns-lease-token=1',
    '?%ZZ',
    '?q=' + 'a'.repeat(3000),
    '?__proto__[x]=1',
  ),
  fc.string({ maxLength: 20 }).map((s) => `?v=${encodeURIComponent(s)}`),
);

const target = fc
  .record({ route: fc.constantFrom(...ROUTES), z: segment, id: segment, m: pathMutation, q: query })
  .map((r) => r.m(r.route.replace('{z}', r.z).replace('{id}', r.id)) + r.q);

const method = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE') },
  fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'post', 'P0ST', 'MERGE'),
);

/** A value of the forwarding header: the forms a Number() or a header parser may trip over. */
const leaseValue = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '0',
    '1',
    '2',
    '-1',
    '1.5',
    '1e999',
    '0x1',
    'NaN',
    'Infinity',
    '9'.repeat(40),
    String(2 ** 53 + 1),
    '1, 1',
    '[1]',
    '{"token":1}',
    'true',
  ),
  fc.integer({ min: -5, max: 50 }).map(String),
  fc.string({ maxLength: 16 }).map((s) => s.replace(/[^\u0020-\u007e]/g, '?')),
);

/** Valid-looking bodies of the DNS writes, before they are broken. */
const plausibleJson = fc.constantFrom(
  { name: 'new.test' },
  { name: 'fz', type: 'A', value: '192.0.2.99' },
  { format: 'json', data: [{ name: 'bulkfz', type: 'A', value: '192.0.2.98' }] },
  { address: '192.0.2.53', port: 53 },
  { trigger: 'bad.example', action: 'nxdomain' },
  { comment: 'x' },
);

/** Bodies no DNS write accepts, with the content type that makes them so. */
const brokenBody: fc.Arbitrary<{ contentType: string | undefined; body: Buffer }> = fc.oneof(
  fc
    .constantFrom('{', '{"name":', '[', 'nul', '{"a":1}x', '\uFEFF{}', '{"a":01}', '')
    .map((s) => ({ contentType: 'application/json', body: Buffer.from(s) })),
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => ({
    contentType: 'application/json',
    // A leading byte that no JSON text starts with keeps the bytes invalid JSON.
    body: Buffer.concat([Buffer.from([0xff]), Buffer.from(b)]),
  })),
  fc
    .record({
      json: plausibleJson,
      type: fc.constantFrom(
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        'image/png',
      ),
    })
    .map((r) => ({ contentType: r.type, body: Buffer.from(JSON.stringify(r.json)) })),
  // Over the 1 MiB body limit (HDNS_BODY_LIMIT), rarely: each costs a megabyte on the wire.
  fc.constant(null).map(() => ({
    contentType: 'application/json',
    body: Buffer.from(`{"name":"${'a'.repeat(1024 * 1024 + 16)}"}`),
  })),
);

const someBody: fc.Arbitrary<{ contentType: string | undefined; body: Buffer | undefined }> =
  fc.oneof(
    { weight: 2, arbitrary: fc.constant({ contentType: undefined, body: undefined }) },
    {
      weight: 4,
      arbitrary: plausibleJson.map((j) => ({
        contentType: 'application/json',
        body: Buffer.from(JSON.stringify(j)),
      })),
    },
    brokenBody,
  );

const GARBAGE_AUTH = [
  'Authorization: Bearer eyJhbGciOiJub25lIn0.e30.',
  'Authorization: Bearer ',
  'Authorization: Basic YWRtaW46YWRtaW4=',
  'Authorization: bearer',
  'Authorization: Bearer x.y.z',
];

export function leaseCase(adminToken: string): fc.Arbitrary<LeaseCase> {
  const admin = `Authorization: Bearer ${adminToken}`;
  const badAuth = fc.oneof(
    fc.constant([] as string[]),
    fc.constantFrom(...GARBAGE_AUTH).map((h) => [h]),
    // Node keeps the first Authorization line: a garbage one ahead of the admin's.
    fc.constantFrom(...GARBAGE_AUTH).map((h) => [h, admin]),
  );
  const anyAuth = fc.oneof({ weight: 5, arbitrary: fc.constant([admin]) }, badAuth);
  return fc
    .record({
      breaker: fc.constantFrom<Breaker>('auth', 'lease', 'body'),
      method,
      target,
      goodAuth: anyAuth,
      badAuth,
      tokens: fc.array(leaseValue, { minLength: 1, maxLength: 3 }),
      extraTokens: fc.option(fc.array(leaseValue, { minLength: 1, maxLength: 2 }), {
        freq: 4,
        nil: undefined,
      }),
      body: someBody,
      bad: brokenBody,
      hugeOk: fc.integer({ min: 0, max: 9 }),
      chunked: fc.boolean(),
    })
    .map((r) => {
      const auth = r.breaker === 'auth' ? r.badAuth : r.goodAuth;
      const leaseTokens = r.breaker === 'lease' ? r.tokens : (r.extraTokens ?? []);
      let b = r.breaker === 'body' ? r.bad : r.body;
      // Keep the megabyte bodies to about one case in ten of those that would carry one.
      if (b.body !== undefined && b.body.length > 1024 * 1024 && r.hugeOk !== 0) {
        b = { contentType: 'application/json', body: Buffer.from('{') };
      }
      return {
        method: r.method,
        target: r.target,
        auth,
        leaseTokens,
        contentType: b.contentType,
        body: b.body,
        chunked: r.chunked,
        breaker: r.breaker,
      };
    });
}

/** The case as bytes on the wire (one request, then the server closes). */
export function encodeLeaseCase(c: LeaseCase): Buffer {
  const headers = ['Host: 127.0.0.1', 'Connection: close', ...c.auth];
  for (const t of c.leaseTokens) headers.push(`x-hdns-lease-token: ${t}`);
  let body = c.body;
  if (body !== undefined) {
    if (c.contentType !== undefined) headers.push(`Content-Type: ${c.contentType}`);
    if (c.chunked) {
      headers.push('Transfer-Encoding: chunked');
      body = Buffer.concat([
        Buffer.from(`${body.length.toString(16)}\r\n`),
        body,
        Buffer.from('\r\n0\r\n\r\n'),
      ]);
    } else {
      headers.push(`Content-Length: ${body.length}`);
    }
  }
  const head = Buffer.from(
    `${c.method} ${c.target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`,
    'latin1',
  );
  return body ? Buffer.concat([head, body]) : head;
}

/** A one-line description for failure messages. */
export function describeCase(c: LeaseCase): string {
  const body =
    c.body === undefined ? 'no body' : `${c.body.length} B ${c.contentType ?? 'untyped'}`;
  return (
    `${c.method} ${c.target.slice(0, 120)} [breaker ${c.breaker}; auth ${c.auth.length} line(s); ` +
    `lease ${JSON.stringify(c.leaseTokens)}; ${body}${c.chunked ? ', chunked' : ''}]`
  );
}
