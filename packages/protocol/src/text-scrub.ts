/**
 * Free-text scrubbing for readers who may not see client addresses: server-composed messages
 * ("Forwarder dns1 (192.0.2.53) is down", "… from 198.51.100.7") lose the addresses, credential
 * look-alikes and the values of fields hidden from the reader. Pure string code with no Node
 * imports: the protocol package also runs in browsers.
 *
 * Contract:
 * - IPv6 addresses (any textual form, with a zone id or an embedded IPv4 tail) and IPv4
 *   dotted quads become `[ip]`. Addresses are found inside runs of address characters, so
 *   `host=2001:db8::1,` and `(10.0.0.1)` are found; a run longer than MAX_RUN that holds an
 *   IPv6 shape is replaced whole (fail closed).
 * - Credentials become `[secret]`: JWTs (`eyJ….….…`), `Bearer`/`Basic` credentials,
 *   `secret "…"` (BIND key clauses), and the value in `password=…`, `token: …`, `api_key=…` and
 *   similar `name=value` / `name: value` pairs.
 * - Each hidden value of three characters or more becomes `[redacted]` wherever it occurs
 *   (shorter ones would match inside ordinary words).
 * - Each hidden name (a username) of three characters or more becomes `[redacted]` where it
 *   stands as a whole token, case-insensitively: not inside a longer run of username characters
 *   (`com` stays in `x.com` and `income`, `ann` in `ann.smith`), but a trailing `.`, `-` or `@`
 *   that continues no name ("by ann.") is punctuation. See `nameToken`.
 * - A replaced value shorter than its marker becomes as many `*` instead, and the result is
 *   never longer than the input (cut to its length in the one case left, an IPv6 shape such as
 *   `::1` shorter than `[ip]`), so it still fits the field's schema. An input with nothing to
 *   replace is returned as the same string.
 */

export const IP_MARKER = '[ip]';
export const SECRET_MARKER = '[secret]';
export const VALUE_MARKER = '[redacted]';

const MAX_RUN = 100;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function hexGroups(text: string): string[] {
  return text === '' ? [] : text.split(':');
}

/** RFC 4291 textual forms: 8 groups, one `::`, optionally an IPv4 tail; `%zone` allowed. */
export function isIPv6(text: string): boolean {
  let address = text.includes('%') ? text.slice(0, text.indexOf('%')) : text;
  if (address.length < 2 || address.length > 45) return false;
  const lastColon = address.lastIndexOf(':');
  if (lastColon === -1) return false;
  let groups = 8;
  const tail = address.slice(lastColon + 1);
  if (tail.includes('.')) {
    // An IPv4 tail is two groups; stand it in by one so the count below stays simple.
    if (!IPV4.test(tail)) return false;
    address = `${address.slice(0, lastColon + 1)}0`;
    groups = 7;
  }
  const halves = address.split('::');
  if (halves.length > 2) return false;
  if (halves.length === 1) {
    const all = hexGroups(address);
    return all.length === groups && all.every((g) => HEX_GROUP.test(g));
  }
  const both = [...hexGroups(halves[0] ?? ''), ...hexGroups(halves[1] ?? '')];
  // '::' stands for at least one group.
  return both.length <= groups - 1 && both.every((g) => HEX_GROUP.test(g));
}

/** Replaces IPv6 addresses inside one run of address characters. */
function scrubRun(run: string): string {
  if ((run.match(/:/g)?.length ?? 0) < 2) return run;
  if (run.length > MAX_RUN) return IP_MARKER;
  let out = '';
  let i = 0;
  while (i < run.length) {
    let end = -1;
    for (let j = Math.min(run.length, i + 45); j >= i + 2; j--) {
      if (isIPv6(run.slice(i, j))) {
        end = j;
        break;
      }
    }
    if (end === -1) {
      out += run[i] ?? '';
      i++;
    } else {
      out += IP_MARKER;
      i = end;
    }
  }
  return out;
}

/** Address characters around a colon, and a zone id (`%eth0`) at the end. */
const IPV6_RUN = /[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[0-9A-Za-z_.-]+)?/g;
const IPV4_ANY = /(?<![0-9])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9])/g;
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const SCHEME_CREDENTIAL = /\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/=-]+)/gi;
const KEY_CLAUSE = /\b(secret)(\s+)("[^"]*"?)/gi;
const CREDENTIAL_PAIR =
  /\b((?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)["']?)(\s*[=:]\s*)("[^"]*"?|'[^']*'?|[^\s,;&)]+)/gi;

/** `marker` when it is no longer than `value`, else as many `*` as `value` has characters. */
export function mask(value: string, marker: string): string {
  return value.length >= marker.length ? marker : '*'.repeat(value.length);
}

/** Word characters of usernames, and the ones that join two parts of one (`a.b`, `a@b`, `a-b`). */
const NAME_CHAR = 'A-Za-z0-9_';
const NAME_JOIN = '.@-';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/**
 * A pattern matching `name` only as a whole token: neither side touches a name character, nor a
 * joining character (`.`, `@`, `-`) that continues into one. So `com` is found in "user com
 * removed x" and "by com." but not in "x.com", "com.example" or "income".
 */
export function nameToken(name: string): RegExp {
  const before = `(?<![${NAME_CHAR}])(?<![${NAME_CHAR}][${NAME_JOIN}])`;
  const after = `(?![${NAME_CHAR}])(?![${NAME_JOIN}][${NAME_CHAR}])`;
  return new RegExp(`${before}${escapeRegExp(name)}${after}`, 'gi');
}

/**
 * Replaces every occurrence of each hidden value, and each hidden name where it stands as a
 * whole token (both 3 characters or more), with its mask.
 */
export function scrubValues(
  text: string,
  hiddenValues: readonly string[],
  hiddenNames: readonly string[] = [],
): string {
  let out = text;
  for (const value of hiddenValues) {
    if (value.length >= 3 && out.includes(value))
      out = out.split(value).join(mask(value, VALUE_MARKER));
  }
  for (const name of hiddenNames) {
    if (name.length >= 3 && out.toLowerCase().includes(name.toLowerCase()))
      out = out.replace(nameToken(name), (found) => mask(found, VALUE_MARKER));
  }
  return out;
}

export function scrubText(
  text: string,
  hiddenValues: readonly string[] = [],
  hiddenNames: readonly string[] = [],
): string {
  const secret = (_: string, name: string, gap: string, value: string): string =>
    `${name}${gap}${mask(value, SECRET_MARKER)}`;
  const out = scrubValues(
    text
      .replace(JWT, SECRET_MARKER)
      .replace(SCHEME_CREDENTIAL, secret)
      .replace(KEY_CLAUSE, secret)
      .replace(CREDENTIAL_PAIR, secret)
      .replace(IPV6_RUN, scrubRun)
      .replace(IPV4_ANY, IP_MARKER),
    hiddenValues,
    hiddenNames,
  );
  if (out === text) return text;
  // Only an IPv6 shape shorter than the marker ('::1') can make the text longer.
  return out.length > text.length ? out.slice(0, text.length) : out;
}
