import fc from 'fast-check';
import { LEGACY_CONNECTION_TYPES } from '@hdns/protocol/legacy';
import { checkHttp, defineTarget } from './fuzz-target.js';
import { BROKEN_PERCENT } from './mutate.js';
import { rawExchange } from './raw-wire.js';

/**
 * Upgrade requests: every route (v1 `/ws`, legacy `/ws?token=`, `/ws/{type}/{user}?token=`,
 * `/ws/{type}/current-user` with a session cookie or none, `/api/websocket/ws[/{type}]?token=`),
 * damaged by random percent-encoding, in origin-, absolute- and authority-form, with odd Host,
 * Origin, Sec-WebSocket-Key/Version/Extensions/Protocol, Authorization and Connection headers.
 * Header values may even hold bytes the HTTP parser refuses: that path must answer 400 too.
 */

const hex = fc.constantFrom(...'0123456789abcdefABCDEFzZ%'.split(''));

/** A path segment with percent-encoding that is valid, truncated, overlong or nonsense. */
const pctSegment = fc.oneof(
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc
    .array(fc.tuple(fc.constant('%'), fc.array(hex, { maxLength: 3 })), {
      minLength: 1,
      maxLength: 4,
    })
    .map((parts) => parts.map(([p, h]) => p + h.join('')).join('')),
  fc.constantFrom(...BROKEN_PERCENT),
  fc.string({ maxLength: 10, unit: 'binary-ascii' }),
);

const token = fc.oneof(
  fc.constantFrom('x', 'Bearer', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.e30.x', ''),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  pctSegment,
);

const legacyType = fc.oneof(
  fc.constantFrom(...LEGACY_CONNECTION_TYPES),
  fc.stringMatching(/^[a-z_]{1,33}$/),
);

const path = fc.oneof(
  fc.constantFrom('/ws', '/ws/', '//ws', '/ws//', '/WS', '/ws/.', '/ws/..', '/ws%2F', '/', ''),
  token.map((t) => `/ws?token=${t}`),
  fc
    .tuple(
      fc.constantFrom('/ws', '/ws/'),
      fc.array(fc.tuple(fc.constantFrom('token', 'tok%65n', 't', ''), token), { maxLength: 3 }),
    )
    .map(([p, qs]) => `${p}?${qs.map(([k, v]) => `${k}=${v}`).join('&')}`),
  fc
    .tuple(fc.oneof(legacyType, pctSegment), pctSegment, token, fc.boolean())
    .map(([type, user, t, slash]) => `/ws/${type}/${user}${slash ? '/' : ''}?token=${t}`),
  fc.array(pctSegment, { minLength: 1, maxLength: 4 }).map((s) => `/ws/${s.join('/')}`),
  // The old dashboard's forms: `current-user` without a token, and /api/websocket/ws[/{type}].
  fc
    .tuple(legacyType, fc.boolean())
    .map(([type, slash]) => `/ws/${type}/current-user${slash ? '/' : ''}`),
  fc
    .tuple(
      fc.option(fc.oneof(legacyType, pctSegment), { nil: undefined }),
      fc.option(token, { nil: undefined }),
    )
    .map(
      ([type, t]) =>
        `/api/websocket/ws${type === undefined ? '' : `/${type}`}${t === undefined ? '' : `?token=${t}`}`,
    ),
);

const host = fc.oneof(
  fc.constantFrom(
    '127.0.0.1',
    'localhost',
    '[::1]',
    '[::1',
    'a:99999',
    'a:-1',
    '',
    '%zz',
    'xn--',
    'a..b',
    '[fe80::1%25eth0]',
    '0x7f.1',
  ),
  fc.domain(),
);

/** Request targets in every form HTTP/1.1 has, and some it does not. */
const requestTarget = fc.oneof(
  { weight: 5, arbitrary: path },
  fc
    .tuple(fc.constantFrom('http', 'https', 'ws', 'wss', 'ftp', 'HTTP', 'x-y', ''), host, path)
    .map(([scheme, h, p]) => `${scheme}://${h}${p}`),
  fc
    .tuple(host, fc.oneof(fc.integer({ min: -1, max: 100_000 }).map(String), fc.constant('')))
    .map(([h, p]) => `${h}:${p}`),
  fc.constantFrom('*', '?', '#', '/ws#frag', '/ws?token=a#b', '/ws?%'),
  fc.string({ maxLength: 30, unit: 'binary-ascii' }).filter((s) => !/[\s]/.test(s)),
);

const key = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64')),
  fc.constantFrom('', 'c2hvcnQ=', 'not base64!', '=='.repeat(20), 'dGhlIHNhbXBsZSBub25jZQ=='),
  fc.string({ maxLength: 40, unit: 'binary-ascii' }),
);

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });

const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40, unit: 'grapheme-ascii' }) },
  fc.string({ maxLength: 20, unit: 'binary' }),
  fc.constantFrom('a'.repeat(9000), ',,,', ';', '\t', 'null'),
);

export interface UpgradeCase {
  method: string;
  target: string;
  headers: [string, string][];
}

const upgradeCase: fc.Arbitrary<UpgradeCase> = fc
  .record({
    method: fc.oneof(
      { weight: 9, arbitrary: fc.constant('GET') },
      fc.constantFrom('POST', 'HEAD', 'OPTIONS', 'get', 'PRI'),
    ),
    target: requestTarget,
    host: optional(host),
    origin: optional(
      fc.oneof(fc.constantFrom('http://127.0.0.1', 'null', 'http://evil.test', ''), headerValue),
    ),
    key: optional(key),
    version: optional(
      fc.oneof(fc.constantFrom('13', '8', '99', '', '13, 8', '-1', '1e3'), headerValue),
    ),
    extensions: optional(
      fc.oneof(
        fc.constantFrom(
          'permessage-deflate',
          'permessage-deflate; client_max_window_bits=99',
          'x; y=',
          ';;',
          'permessage-deflate; server_no_context_takeover; server_no_context_takeover',
        ),
        headerValue,
      ),
    ),
    protocol: optional(fc.oneof(fc.constantFrom('hdns.v1', 'a, b', ',', ''), headerValue)),
    // The session cookie a tokenless legacy upgrade is authenticated by (hdns_ws_session).
    cookie: optional(
      fc.oneof(
        fc.constantFrom(
          'hdns_ws_session=',
          'hdns_ws_session=a.b',
          'hdns_ws_session=%zz; x=1',
          ';;=',
        ),
        headerValue.map((v) => `hdns_ws_session=${v}`),
        headerValue,
      ),
    ),
    authorization: optional(
      fc.oneof(fc.constantFrom('Bearer x', 'Bearer ', 'Basic YTpi', 'Bearer a b'), headerValue),
    ),
    upgrade: fc.oneof(
      { weight: 6, arbitrary: fc.constant('websocket') },
      fc.constantFrom('WebSocket', 'h2c', '', 'websocket, h2c'),
    ),
    connection: fc.oneof(
      { weight: 6, arbitrary: fc.constant('Upgrade') },
      fc.constantFrom('keep-alive, Upgrade', 'close', 'upgrade'),
    ),
  })
  .map((r) => {
    const headers: [string, string][] = [];
    if (r.host !== undefined) headers.push(['Host', r.host]);
    headers.push(['Upgrade', r.upgrade], ['Connection', r.connection]);
    if (r.key !== undefined) headers.push(['Sec-WebSocket-Key', r.key]);
    if (r.version !== undefined) headers.push(['Sec-WebSocket-Version', r.version]);
    if (r.extensions !== undefined) headers.push(['Sec-WebSocket-Extensions', r.extensions]);
    if (r.protocol !== undefined) headers.push(['Sec-WebSocket-Protocol', r.protocol]);
    if (r.origin !== undefined) headers.push(['Origin', r.origin]);
    if (r.authorization !== undefined) headers.push(['Authorization', r.authorization]);
    if (r.cookie !== undefined) headers.push(['Cookie', r.cookie]);
    return { method: r.method, target: r.target, headers };
  });

export function encodeUpgradeCase(c: UpgradeCase): Buffer {
  const head = `${c.method} ${c.target} HTTP/1.1\r\n${c.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.from(head, 'latin1');
}

export const upgradeTarget = defineTarget({
  name: 'upgrade requests',
  runs: 1200,
  touchesServer: true,
  arbitrary: () => upgradeCase,
  async run(server, c) {
    const res = await rawExchange(server.target, encodeUpgradeCase(c), {
      quietMs: 150,
      // Only a bound for a server that never answers; a normal answer ends the wait at once.
      maxMs: 10_000,
    });
    checkHttp(res, `${c.method} ${JSON.stringify(c.target)}`);
  },
});
