/**
 * Which URL form a legacy route came in on (see `LegacyRoute` in ws-upgrade.ts): `ws` is
 * `/ws?token=`, `api-websocket` the old backend's `/api/websocket/ws[/{type}]?token=`, `ws-type`
 * the old per-type `/ws/{type}/{userId}`.
 */
export type LegacyRouteForm = 'ws' | 'api-websocket' | 'ws-type';

import { isLegacyConnectionType, type LegacyConnectionType } from '@hdns/protocol/legacy';

/** Where an upgrade request goes, decided from its request target alone. */
export type UpgradeRoute =
  | { kind: 'v1' }
  /** Generation 2; `token` is absent when the URL carries none (or an empty one). */
  | { kind: 'legacy2'; form: 'ws' | 'api-websocket'; token?: string }
  /**
   * Generation 1. `connectionType` is one of LEGACY_CONNECTION_TYPES (any other is
   * `not_found`, so nothing downstream, the legacy-use record included, sees an arbitrary one).
   * `userId` is the path's `{userId}` (`ws-type` only; the `api-websocket` form has none and
   * means the token's user). `token` is absent when the URL carries none: the old
   * per-type backend took none, so such an upgrade is answered, not refused with 404.
   */
  | {
      kind: 'legacy1';
      form: 'api-websocket' | 'ws-type';
      connectionType: LegacyConnectionType;
      userId?: string;
      token?: string;
    }
  | { kind: 'not_found' }
  /** The target cannot be parsed at all (bad percent-encoding, unparsable absolute form …). */
  | { kind: 'bad_target'; reason: string };

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\//i;
const WEB_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);
const LEGACY1_PATH = /^\/ws\/([a-z_]{1,32})\/([^/]{1,64})\/?$/;
/** The old backend's mount: `/api/websocket/ws` (gen 2) and `/api/websocket/ws/{type}` (gen 1). */
const API_WEBSOCKET_PATH = /^\/api\/websocket\/ws(?:\/([a-z_]{1,32}))?\/?$/;

interface Target {
  path: string;
  query: string;
}

/**
 * Splits a request target into path and query without throwing. Origin-form (`/path?query`) is
 * taken literally: `//a:99999/ws` is the path `//a:99999/ws`, not a host, so it is simply not
 * one of our routes. Absolute-form (`http://host/ws`, which HTTP/1.1 servers must accept) is
 * parsed with WHATWG URL for the web schemes only. Anything else (authority-form `host:port`,
 * `*`, an unparsable URL) is null.
 */
function splitTarget(raw: string): Target | null {
  if (raw.startsWith('/')) {
    const q = raw.indexOf('?');
    const hash = raw.indexOf('#');
    const end = hash === -1 ? raw.length : hash;
    return q === -1 || q > end
      ? { path: raw.slice(0, end), query: '' }
      : { path: raw.slice(0, q), query: raw.slice(q + 1, end) };
  }
  if (!ABSOLUTE_FORM.test(raw) || !URL.canParse(raw)) return null;
  const url = new URL(raw);
  if (!WEB_SCHEMES.has(url.protocol)) return null;
  return { path: url.pathname, query: url.search.slice(1) };
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * `/ws` is protocol v1 (token in the first frame or an Authorization header, never in the URL);
 * `/ws?token=` and `/api/websocket/ws?token=` are the first unified protocol (generation 2),
 * `/ws/{type}/{user_id}[?token=]` and `/api/websocket/ws/{type}?token=` the per-type one
 * (generation 1). Tokens in URLs are accepted only on these legacy forms. A legacy form without
 * a token is still a route (the upgrade handler authenticates by session or refuses with
 * guidance); `/ws` without one is v1.
 *
 * Contract: never throws, whatever the input; a malformed target is `bad_target` (answered 400).
 */
export function routeUpgrade(rawUrl: string | undefined): UpgradeRoute {
  const target = splitTarget(rawUrl ?? '/');
  if (!target) return { kind: 'bad_target', reason: 'unparsable request target' };
  // URLSearchParams decodes leniently (a stray `%` stays literal): it never throws. An empty
  // `token=` (a client whose token was still null) counts as none.
  const token = new URLSearchParams(target.query).get('token') || undefined;
  const withToken = token === undefined ? {} : { token };
  if (target.path === '/ws' || target.path === '/ws/') {
    return token ? { kind: 'legacy2', form: 'ws', token } : { kind: 'v1' };
  }
  const api = API_WEBSOCKET_PATH.exec(target.path);
  if (api) {
    if (api[1] === undefined) return { kind: 'legacy2', form: 'api-websocket', ...withToken };
    return isLegacyConnectionType(api[1])
      ? { kind: 'legacy1', form: 'api-websocket', connectionType: api[1], ...withToken }
      : { kind: 'not_found' };
  }
  const m = LEGACY1_PATH.exec(target.path);
  if (m?.[1] && m[2]) {
    if (!isLegacyConnectionType(m[1])) return { kind: 'not_found' };
    const userId = decodeSegment(m[2]);
    if (userId === null) return { kind: 'bad_target', reason: 'malformed percent-encoding' };
    return { kind: 'legacy1', form: 'ws-type', connectionType: m[1], userId, ...withToken };
  }
  return { kind: 'not_found' };
}
