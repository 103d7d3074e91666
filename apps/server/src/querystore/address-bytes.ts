import { isIPv4, isIPv6 } from 'node:net';
import { ipv6Text, isIpv4Mapped } from '../lib/ip-text.js';

/**
 * Client addresses as 16-byte keys, IPv4 mapped to `::ffff:a.b.c.d`, so that both families sort
 * in one index and a CIDR prefix is one indexed range [first, last] (byte order is address
 * order). The store keeps only these bytes and gives the text back from them.
 */

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

/** The inclusive range of address keys an address (one key) or a CIDR prefix covers. */
export function addressRange(filter: string): { first: Buffer; last: Buffer } {
  const [address = '', bits] = filter.trim().split('/');
  const first = addressBytes(address);
  if (bits === undefined) return { first, last: Buffer.from(first) };
  // An IPv4 prefix length counts from the mapped prefix's end.
  const prefix = Number(bits) + (isIPv4(address) ? 96 : 0);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 128) {
    throw new Error(`bad prefix length: ${filter}`);
  }
  const last = Buffer.from(first);
  for (let bit = prefix; bit < 128; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    first[byte] = (first[byte] ?? 0) & ~mask;
    last[byte] = (last[byte] ?? 0) | mask;
  }
  return { first, last };
}
