/** Where an upgrade request goes, decided from its request target alone. */
export type UpgradeRoute =
  | { kind: 'v1' }
  | { kind: 'legacy2'; token: string }
  | { kind: 'legacy1'; connectionType: string; userId: string; token: string }
  | { kind: 'not_found' }
  /** The target cannot be parsed at all (bad percent-encoding, unparsable absolute form …). */
  | { kind: 'bad_target'; reason: string };

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\//i;
const WEB_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);
const LEGACY1_PATH = /^\/ws\/([a-z_]{1,32})\/([^/]{1,64})\/?$/;

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
 * `/ws?token=` is the first unified protocol and `/ws/{type}/{user_id}?token=` the per-type one.
 * Tokens in URLs are accepted only on these legacy forms.
 *
 * Contract: never throws, whatever the input; a malformed target is `bad_target` (answered 400).
 */
export function routeUpgrade(rawUrl: string | undefined): UpgradeRoute {
  const target = splitTarget(rawUrl ?? '/');
  if (!target) return { kind: 'bad_target', reason: 'unparsable request target' };
  // URLSearchParams decodes leniently (a stray `%` stays literal): it never throws.
  const token = new URLSearchParams(target.query).get('token');
  if (target.path === '/ws' || target.path === '/ws/') {
    return token ? { kind: 'legacy2', token } : { kind: 'v1' };
  }
  const m = LEGACY1_PATH.exec(target.path);
  if (m?.[1] && m[2] && token) {
    const userId = decodeSegment(m[2]);
    if (userId === null) return { kind: 'bad_target', reason: 'malformed percent-encoding' };
    return { kind: 'legacy1', connectionType: m[1], userId, token };
  }
  return { kind: 'not_found' };
}
