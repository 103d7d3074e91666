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
