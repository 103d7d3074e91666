import { describe, expect, it } from 'vitest';
import { parseEventData } from '@hdns/protocol';
import { parseBindTime } from './bind-log-prefix.js';
import { parseQueryLine } from './query-log-parser.js';

/** Lines captured from BIND 9.18.49 on this machine (views, IPv6, TCP, ECS, CH class, no EDNS). */
const REAL = [
  '22-Nov-2026 13:28:06.255 queries: info: client @0x7fc949ede098 127.0.0.1#45480 (www.example.test): view internal: query: www.example.test IN A +E(0)K (127.0.0.1)',
  '22-Nov-2026 13:28:06.431 queries: info: client @0x7fc949ee1898 ::1#46005 (www.example.test): view internal: query: www.example.test IN AAAA +E(0)TK (::1)',
  '22-Nov-2026 13:28:06.483 queries: info: client @0x7fc949ede098 127.0.0.1#52243 (www.example.test): view internal: query: www.example.test IN A -E(0)DCK (127.0.0.1) [ECS 192.0.2.0/24/0]',
  '22-Nov-2026 13:28:06.507 queries: info: client @0x7fc949ede098 127.0.0.1#54295 (www.example.test): view internal: query: www.example.test IN MX + (127.0.0.1)',
  '22-Nov-2026 13:28:06.535 queries: info: client @0x7fc949ede098 127.0.0.1#59388 (www.example.test): query: www.example.test CH TXT +E(0)K (127.0.0.1)',
  '22-Nov-2026 13:28:06.559 queries: info: client @0x7fc949edfc98 ::1#49884 (www.example.test): view internal: query: www.example.test IN A +E(0)K (::1) [ECS 2001:db8::/48/0]',
  '22-Nov-2026 12:34:05.376 queries: info: client @0x7fa9b1d46098 127.0.0.1#58936 (www.example.test): query: www.example.test IN A +E(0)K (127.0.0.1)',
];

const local = (...p: [number, number, number, number, number, number, number]): string =>
  new Date(...p).toISOString();

describe('parseQueryLine', () => {
  it('parses an IPv4 query without a view', () => {
    expect(parseQueryLine(REAL[6] ?? '')).toEqual({
      ts: local(2026, 10, 22, 12, 34, 5, 376),
      clientIp: '127.0.0.1',
      clientPort: 58936,
      qname: 'www.example.test',
      qclass: 'IN',
      qtype: 'A',
      flags: '+E(0)K',
      server: '127.0.0.1',
    });
  });

  it('parses views, IPv6 clients, TCP, DO/CD, no EDNS, CH class and ECS', () => {
    const [v4, v6tcp, ecs, noedns, chaos, ecs6] = REAL.map((l) => parseQueryLine(l));
    expect(v4).toMatchObject({ view: 'internal', clientIp: '127.0.0.1', clientPort: 45480 });
    expect(v6tcp).toMatchObject({
      clientIp: '::1',
      clientPort: 46005,
      qtype: 'AAAA',
      flags: '+E(0)TK',
      server: '::1',
      view: 'internal',
    });
    expect(ecs).toMatchObject({
      flags: '-E(0)DCK',
      server: '127.0.0.1',
      qtype: 'A',
      ecs: '192.0.2.0/24',
    });
    expect(v4).not.toHaveProperty('ecs');
    expect(noedns).toMatchObject({ flags: '+', qtype: 'MX' });
    expect(chaos).toMatchObject({ qclass: 'CH', qtype: 'TXT' });
    expect(chaos).not.toHaveProperty('view');
    expect(ecs6).toMatchObject({
      clientIp: '::1',
      server: '::1',
      clientPort: 49884,
      ecs: '2001:db8::/48',
    });
    expect(ts(ecs)).toBe(local(2026, 10, 22, 13, 28, 6, 483));
  });

  it('every parsed line is a valid dns_query_log payload', () => {
    for (const line of REAL) {
      const q = parseQueryLine(line);
      expect(q).not.toBeNull();
      expect(parseEventData('dns_query_log', q).ok).toBe(true);
    }
  });

  it('handles full IPv6 addresses, other views, signed queries and old formats', () => {
    const full = parseQueryLine(
      '01-Jan-2027 00:00:00.000 queries: info: client @0x1 2001:db8:85a3::8a2e:370:7334#53001 (Example.COM): view guest-net: query: Example.COM IN HTTPS +SE(0)TDCV (2001:db8::53)',
    );
    expect(full).toMatchObject({
      clientIp: '2001:db8:85a3::8a2e:370:7334',
      clientPort: 53001,
      view: 'guest-net',
      qname: 'Example.COM',
      qtype: 'HTTPS',
      flags: '+SE(0)TDCV',
      server: '2001:db8::53',
      ts: local(2027, 0, 1, 0, 0, 0, 0),
    });
    // 9.11 style: no client pointer, no category/severity words.
    const old = parseQueryLine(
      '22-Nov-2026 12:00:00.001 client 192.0.2.7#1234 (a.test): query: a.test IN A + (192.0.2.1)',
    );
    expect(old).toMatchObject({ clientIp: '192.0.2.7', clientPort: 1234, qname: 'a.test' });
    // print-time off: ts falls back to now.
    const noTime = parseQueryLine(
      'queries: info: client @0x2 10.0.0.1#5 (b.test): query: b.test IN A + (10.0.0.2)',
    );
    expect(noTime?.qname).toBe('b.test');
    expect(Date.parse(noTime?.ts ?? '')).toBeGreaterThan(Date.now() - 5000);
  });

  it('reads the ECS client subnet as address/source and ignores a malformed option', () => {
    const base =
      '22-Nov-2026 13:28:06.483 queries: info: client @0x7fc949ede098 127.0.0.1#52243 (www.example.test): query: www.example.test IN A +E(0)K (127.0.0.1)';
    // dig +subnet=0.0.0.0/0 (a client opting out of ECS) logs a zero-length source prefix.
    expect(parseQueryLine(`${base} [ECS 0.0.0.0/0/0]`)?.ecs).toBe('0.0.0.0/0');
    expect(parseQueryLine(`${base} [ECS 198.51.100.0/22/0]`)?.ecs).toBe('198.51.100.0/22');
    for (const odd of [
      ' [ECS 192.0.2.0/24]',
      ' [ECS 192.0.2.0/24/0',
      ' [ECS /24/0]',
      ' [ECS a/b/0]',
    ]) {
      const q = parseQueryLine(`${base}${odd}`);
      expect(q, odd).not.toBeNull();
      expect(q, odd).not.toHaveProperty('ecs');
    }
    const payload = parseEventData('dns_query_log', parseQueryLine(`${base} [ECS 192.0.2.0/24/0]`));
    expect(payload).toMatchObject({ ok: true, data: { ecs: '192.0.2.0/24' } });
  });

  it('returns null for garbage, other messages and truncated lines', () => {
    const line = REAL[0] ?? '';
    const bad = [
      '',
      'garbage',
      '22-Nov-2026 13:28:06.255 general: info: zone example.test/IN: loaded serial 1',
      '22-Nov-2026 13:28:06.255 rpz: info: client @0x1 127.0.0.1#1 (a.test): rpz QNAME NXDOMAIN rewrite a.test/A/IN via a.test.rpz.local',
      '22-Nov-2026 13:28:06.255 queries: info: client @0x1 127.0.0.1#99999 (a.test): query: a.test IN A + (127.0.0.1)',
      '22-Nov-2026 13:28:06.255 queries: info: client @0x1 127.0.0.1#abc (a.test): query: a.test IN A + (127.0.0.1)',
      '22-Nov-2026 13:28:06.255 queries: info: client @0x1 127.0.0.1 (a.test): query: a.test IN A + (127.0.0.1)',
      '22-Nov-2026 13:28:06.255 queries: info: client @0x1 127.0.0.1#5 (a.test): query: a.test IN A E(0) (127.0.0.1)',
      `22-Nov-2026 13:28:06.255 queries: info: client @0x1 127.0.0.1#5 (a): query: ${'a'.repeat(300)} IN A + (127.0.0.1)`,
    ];
    for (const b of bad) expect(parseQueryLine(b), b).toBeNull();
    for (let cut = 0; cut < line.length - 1; cut++) {
      // Every truncation either fails cleanly or (cut inside the trailing ")") still parses.
      const q = parseQueryLine(line.slice(0, cut));
      if (q !== null) expect(cut).toBeGreaterThan(line.lastIndexOf('('));
    }
  });

  it('reads timestamps as local time and rejects impossible ones', () => {
    expect(parseBindTime('29-Feb-2028 23:59:59.999 x')).toBe(
      new Date(2028, 1, 29, 23, 59, 59, 999).getTime(),
    );
    expect(parseBindTime('22-Foo-2026 13:28:06.255 x')).toBe(-1);
    expect(parseBindTime('22-Nov-2026 25:28:06.255 x')).toBe(-1);
    expect(parseBindTime('22-Nov-2026 13:28:06')).toBe(-1);
  });

  it('parses fast (measured, not asserted)', () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => {
      const base = REAL[i % REAL.length] ?? '';
      return base.replace('#45480', `#${1024 + (i % 60000)}`);
    });
    let parsed = 0;
    const t0 = performance.now();
    for (const l of lines) if (parseQueryLine(l)) parsed++;
    const ms = performance.now() - t0;
    expect(parsed).toBe(lines.length);
    console.log(
      `parseQueryLine: ${Math.round((lines.length / ms) * 1000).toLocaleString()} lines/s`,
    );
  });
});

function ts(q: { ts: string } | null | undefined): string | undefined {
  return q?.ts;
}
