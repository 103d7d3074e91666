import { BlockList, isIP } from 'node:net';

/**
 * A set of addresses and networks (`10.0.0.0/8`, `192.0.2.7`, `2001:db8::/32`) that answers
 * "is this client address in it?". IPv4-mapped IPv6 client addresses (`::ffff:10.1.2.3`, as a
 * dual-stack socket reports IPv4 peers) match the IPv4 entries.
 */
export class AddressList {
  private readonly list = new BlockList();

  private constructor(readonly entries: readonly string[]) {
    for (const entry of entries) {
      const parsed = parseEntry(entry);
      if (parsed === null) throw new Error(`not an address or CIDR: ${entry}`);
      const { address, prefix, family } = parsed;
      if (prefix === null) this.list.addAddress(address, family);
      else this.list.addSubnet(address, prefix, family);
    }
  }

  /** Throws on an entry that is not an address or CIDR; check with `isAddressOrCidr` first. */
  static of(entries: readonly string[]): AddressList {
    return new AddressList(entries);
  }

  has(address: string): boolean {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const plain = mapped ?? address;
    const family = isIP(plain);
    if (family === 0) return false;
    return this.list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }
}

interface Entry {
  address: string;
  prefix: number | null;
  family: 'ipv4' | 'ipv6';
}

function parseEntry(entry: string): Entry | null {
  const [address = '', prefixText, ...rest] = entry.trim().split('/');
  if (rest.length > 0) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, prefix: null, family };
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= (version === 4 ? 32 : 128) ? { address, prefix, family } : null;
}

export function isAddressOrCidr(entry: string): boolean {
  return parseEntry(entry) !== null;
}
