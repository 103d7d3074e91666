import { isIPv4, isIPv6 } from 'node:net';

/**
 * RFC 5952 text of the 16 address bytes at `start`: lower-case hex groups without leading
 * zeros, the longest run of two or more zero groups (the first on a tie) as `::`. IPv4-mapped
 * addresses get no special form here: each caller writes those its own way.
 */
export function ipv6Text(bytes: Uint8Array, start = 0): string {
  const words = new Array<number>(8);
  for (let i = 0; i < 8; i++) {
    words[i] = ((bytes[start + 2 * i] ?? 0) << 8) | (bytes[start + 2 * i + 1] ?? 0);
  }
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    words
      .slice(from, to)
      .map((w) => w.toString(16))
      .join(':');
  if (best < 0) return hex(0, 8);
  return `${hex(0, best)}::${hex(best + bestLen, 8)}`;
}

/** True for the 16 bytes at `start` of an IPv4-mapped address (`::ffff:a.b.c.d`). */
export function isIpv4Mapped(bytes: Uint8Array, start = 0): boolean {
  for (let i = 0; i < 10; i++) if (bytes[start + i] !== 0) return false;
  return bytes[start + 10] === 0xff && bytes[start + 11] === 0xff;
}

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function ipv4Bytes(text: string): number[] {
  return text.split('.').map(Number);
}

/** The 16 bytes of an IPv4 or IPv6 address; throws on anything else. */
export function addressBytes(text: string): Buffer {
  const address = text.trim();
  if (isIPv4(address)) return Buffer.from([...MAPPED_PREFIX, ...ipv4Bytes(address)]);
  if (!isIPv6(address)) throw new Error(`not an IP address: ${text}`);
  // A zone index (fe80::1%eth0) names an interface, not a different address.
  let body = address.replace(/%.*$/, '');
  let tail: number[] = [];
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    tail = ipv4Bytes(body.slice(lastColon + 1));
    body = `${body.slice(0, lastColon + 1)}0:0`;
  }
  const [head = '', rest] = body.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  words.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  if (tail.length === 4) Buffer.from(tail).copy(out, 12);
  return out;
}

/** The text of 16 address bytes: dotted IPv4 for mapped ones, RFC 5952 IPv6 otherwise. */
export function addressText(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error(`an address key is 16 bytes, got ${bytes.length}`);
  if (isIpv4Mapped(bytes)) return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  return ipv6Text(bytes);
}

/**
 * One spelling of an address literal: dotted IPv4 (an IPv4-mapped IPv6 address included), IPv6
 * in RFC 5952 form (`2001:DB8:0::1` → `2001:db8::1`). Throws on anything but an address.
 */
export function canonicalIp(text: string): string {
  return addressText(addressBytes(text));
}
