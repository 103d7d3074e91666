import { ipv6Text, isIpv4Mapped } from '../lib/ip-text.js';

/**
 * Address bytes from dnstap frames and DNS answers → text, at hundreds of thousands per second.
 *
 * IPv4 text is cached by the address's 32-bit value: a resolver sees the same few clients, its
 * own address and the same popular answers over and over, so most frames make no new string
 * and the pairer's key compares one interned string. The cache is cleared when it reaches
 * `IPV4_CACHE_MAX` entries (a random-address flood costs a string per address, as without it,
 * and never more memory than the bound).
 */

const IPV4_CACHE_MAX = 8192;
const ipv4Cache = new Map<number, string>();

/** Dotted-quad text of the 4 bytes at `start`, cached. */
export function ipv4Text(buf: Uint8Array, start: number): string {
  const key =
    ((buf[start]! << 24) | (buf[start + 1]! << 16) | (buf[start + 2]! << 8)) + buf[start + 3]!;
  let text = ipv4Cache.get(key);
  if (text === undefined) {
    if (ipv4Cache.size >= IPV4_CACHE_MAX) ipv4Cache.clear();
    text = `${buf[start]}.${buf[start + 1]}.${buf[start + 2]}.${buf[start + 3]}`;
    ipv4Cache.set(key, text);
  }
  return text;
}

/** RFC 5952 text of a 4- or 16-byte address; null for any other length. */
export function formatAddress(buf: Uint8Array, start: number, len: number): string | null {
  if (len === 4) return ipv4Text(buf, start);
  if (len !== 16) return null;
  // IPv4-mapped addresses are written as node's net module writes them (::ffff:192.0.2.1).
  if (isIpv4Mapped(buf, start)) return `::ffff:${ipv4Text(buf, start + 12)}`;
  return ipv6Text(buf, start);
}

/**
 * An unsigned 32-bit hash of the address bytes (FNV-1a, then a multiplicative mix so the high
 * bits depend on every byte), so a pairing key can be a number. Equal addresses give equal
 * numbers; different ones may collide, so a user of the hash still compares the text. Take
 * the HIGH bits when fewer are needed: 10.0.1.2 and 192.168.1.2 would share raw low bits.
 */
export function addressHash(buf: Uint8Array, start: number, len: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < start + len; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return Math.imul(h ^ (h >>> 15), 0x9e3779b1) >>> 0;
}
