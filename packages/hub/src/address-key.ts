import { isIPv4, isIPv6 } from 'node:net';

/**
 * The one key under which per-address limits count a client: REST rate limiting, login limits
 * (apps/server) and WebSocket admission (IpAdmission) all call this, so one client is one
 * bucket everywhere. It lives in the hub package because the server depends on the hub and not
 * the other way round.
 *
 * - IPv4: the address itself.
 * - IPv4-mapped IPv6 (`::ffff:192.0.2.7`, also in hex form `::ffff:c000:207`): the IPv4 address,
 *   so a dual-stack socket and a plain IPv4 one count together.
 * - Other IPv6: its /64, written `2001:db8:1:2::/64` (zone id dropped). A /64 is what one host
 *   or one customer line is usually given, so rotating addresses inside it gains nothing.
 * - Anything else (a destroyed socket reports no address; a trusted proxy may forward text that
 *   is not an IP): the text, lower-cased and cut to 64 characters, so it still gets a bucket of
 *   its own without growing keys without bound.
 */
export function addressKey(ip: string): string {
  if (isIPv4(ip)) return ip;
  const bare = ip.split('%', 1)[0] ?? ip;
  if (isIPv6(bare)) {
    const groups = ipv6Groups(bare);
    if (groups) return ipv6Key(groups);
  }
  return ip.toLowerCase().slice(0, 64);
}

function ipv6Key(g: readonly number[]): string {
  const at = (i: number): number => g[i] ?? 0;
  if (at(0) === 0 && at(1) === 0 && at(2) === 0 && at(3) === 0 && at(4) === 0) {
    if (at(5) === 0xffff) {
      return [at(6) >> 8, at(6) & 0xff, at(7) >> 8, at(7) & 0xff].join('.');
    }
  }
  return `${[at(0), at(1), at(2), at(3)].map((n) => n.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a textual IPv6 address that `isIPv6` accepted, or undefined. */
function ipv6Groups(text: string): number[] | undefined {
  let head = text.toLowerCase();
  const tail: number[] = [];
  // A dotted IPv4 tail (`::ffff:192.0.2.7`) stands for the last two groups.
  const lastColon = head.lastIndexOf(':');
  const last = head.slice(lastColon + 1);
  if (last.includes('.')) {
    const octets = last.split('.').map(Number);
    if (octets.length !== 4) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    tail.push((a << 8) | b, (c << 8) | d);
    head = head.slice(0, lastColon + 1);
    // `::1.2.3.4` leaves `::`; `1::1.2.3.4` leaves `1::`; `1:2:3:4:5:6:1.2.3.4` leaves `…6:`.
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16));
  const gap = head.indexOf('::');
  let groups: number[];
  if (gap === -1) {
    groups = [...parse(head), ...tail];
  } else {
    const left = parse(head.slice(0, gap));
    const right = [...parse(head.slice(gap + 2)), ...tail];
    const zeros = 8 - left.length - right.length;
    if (zeros < 0) return undefined;
    groups = [...left, ...new Array<number>(zeros).fill(0), ...right];
  }
  if (groups.length !== 8 || groups.some((n) => !Number.isInteger(n) || n < 0 || n > 0xffff)) {
    return undefined;
  }
  return groups;
}
