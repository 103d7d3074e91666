import { isIPv4 } from 'node:net';
import { addressBytes } from '../lib/ip-text.js';

/**
 * Client addresses as 16-byte keys (lib/ip-text.ts: IPv4 mapped to `::ffff:a.b.c.d`), so that
 * both families sort in one index and a CIDR prefix is one indexed range [first, last] (byte
 * order is address order). The store keeps only these bytes and gives the text back from them.
 */

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
