import { describe, expect, it } from 'vitest';
import { parseRpzLine, ruleCandidates } from './rpz-log-parser.js';

/** Lines captured from BIND 9.18.49 on this machine (view "internal", several policy zones). */
const L = {
  nxdomain:
    '22-Nov-2026 13:28:11.495 rpz: info: client @0x7fc949ede098 127.0.0.1#35273 (malware.bad.test): view internal: rpz QNAME NXDOMAIN rewrite malware.bad.test/A/IN via malware.bad.test.rpz.local',
  wildcard:
    '22-Nov-2026 13:28:11.539 rpz: info: client @0x7fc949ede098 127.0.0.1#51698 (x.malware.bad.test): view internal: rpz QNAME NXDOMAIN rewrite x.malware.bad.test/A/IN via x.malware.bad.test.rpz.local',
  nodata:
    '22-Nov-2026 13:28:11.575 rpz: info: client @0x7fc949ede098 127.0.0.1#56449 (nodata.bad.test): view internal: rpz QNAME NODATA rewrite nodata.bad.test/A/IN via nodata.bad.test.rpz.local',
  localData:
    '22-Nov-2026 13:28:12.687 rpz: info: client @0x7fc949ee1898 127.0.0.1#42260 (phish.bad.test): view internal: rpz QNAME Local-Data rewrite phish.bad.test/A/IN via phish.bad.test.rpz.local',
  ipv6: '22-Nov-2026 13:28:13.751 rpz: info: client @0x7fc949edfc98 ::1#50827 (malware.bad.test): view internal: rpz QNAME NXDOMAIN rewrite malware.bad.test/AAAA/IN via malware.bad.test.rpz.local',
  cname:
    '22-Nov-2026 13:28:27.283 rpz: info: client @0x7fc949ee1898 127.0.0.1#49481 (cname.evil.test): view internal: rpz QNAME CNAME rewrite cname.evil.test/A/IN via cname.evil.test.cname.rpz (CNAME to: walled.garden.test)',
  drop: '22-Nov-2026 13:28:28.315 rpz: info: client @0x7fc94af79098 127.0.0.1#34356 (drop.evil.test): view internal: rpz QNAME DROP rewrite drop.evil.test/A/IN via drop.evil.test.drop.rpz',
  tcpOnly:
    '22-Nov-2026 13:28:29.331 rpz: info: client @0x7fc94af79098 127.0.0.1#33142 (tcp.evil.test): view internal: rpz QNAME TCP-ONLY rewrite tcp.evil.test/A/IN via tcp.evil.test.tcp.rpz',
  noView:
    '22-Nov-2026 12:34:05.376 rpz: info: client @0x7fa9b1d46098 127.0.0.1#57449 (malware.bad.test): rpz QNAME NXDOMAIN rewrite malware.bad.test/A/IN via malware.bad.test.rpz.local',
  passthru:
    '22-Nov-2026 12:34:05.376 rpz: info: client @0x7fa9b1d46098 2001:db8::7#4000 (ok.bad.test): rpz QNAME PASSTHRU rewrite ok.bad.test/A/IN via ok.bad.test.rpz.local',
  disabled:
    '22-Nov-2026 12:34:05.376 rpz: info: client @0x7fa9b1d46098 10.0.0.9#4000 (d.bad.test): disabled rpz QNAME NXDOMAIN rewrite d.bad.test/A/IN via d.bad.test.rpz.local',
  ipTrigger:
    '22-Nov-2026 12:34:05.376 rpz: info: client @0x7fa9b1d46098 10.0.0.9#4000 (host.test): rpz IP NXDOMAIN rewrite host.test/A/IN via 32.2.0.0.127.rpz-ip.rpz.local',
};

describe('parseRpzLine', () => {
  it('parses an NXDOMAIN hit with a view', () => {
    expect(parseRpzLine(L.nxdomain)).toEqual({
      ts: new Date(2026, 10, 22, 13, 28, 11, 495).toISOString(),
      clientIp: '127.0.0.1',
      clientPort: 35273,
      view: 'internal',
      trigger: 'QNAME',
      policy: 'NXDOMAIN',
      action: 'nxdomain',
      qname: 'malware.bad.test',
      qtype: 'A',
      qclass: 'IN',
      via: 'malware.bad.test.rpz.local',
      rule: 'malware.bad.test',
      policyZone: 'rpz.local',
      disabled: false,
    });
  });

  it('maps every policy to its action', () => {
    const zones = ['rpz.local', 'cname.rpz', 'drop.rpz', 'tcp.rpz'];
    const action = (line: string): string | undefined => parseRpzLine(line, zones)?.action;
    expect(action(L.nodata)).toBe('nodata');
    expect(action(L.localData)).toBe('redirect');
    expect(action(L.cname)).toBe('redirect');
    expect(action(L.drop)).toBe('drop');
    expect(action(L.tcpOnly)).toBe('tcp_only');
    expect(action(L.passthru)).toBe('passthru');
    expect(parseRpzLine(L.cname, zones)).toMatchObject({
      rule: 'cname.evil.test',
      policyZone: 'cname.rpz',
      cnameTarget: 'walled.garden.test',
      via: 'cname.evil.test.cname.rpz',
    });
  });

  it('IPv6 clients, no view, wildcard matches and other triggers', () => {
    expect(parseRpzLine(L.ipv6)).toMatchObject({
      clientIp: '::1',
      clientPort: 50827,
      qtype: 'AAAA',
    });
    expect(parseRpzLine(L.passthru)).toMatchObject({ clientIp: '2001:db8::7', clientPort: 4000 });
    expect(parseRpzLine(L.noView)).not.toHaveProperty('view');
    expect(parseRpzLine(L.wildcard)?.rule).toBe('x.malware.bad.test');
    expect(parseRpzLine(L.ipTrigger)).toMatchObject({ trigger: 'IP', rule: '32.2.0.0.127.rpz-ip' });
    expect(parseRpzLine(L.disabled)).toMatchObject({ disabled: true, action: 'nxdomain' });
  });

  it('derives the rule from the query name when the zone is not configured', () => {
    expect(parseRpzLine(L.drop)).toMatchObject({ rule: 'drop.evil.test', policyZone: 'drop.rpz' });
  });

  it('returns null for query lines, garbage and truncated lines', () => {
    const q =
      '22-Nov-2026 13:28:06.255 queries: info: client @0x7fc949ede098 127.0.0.1#45480 (www.example.test): view internal: query: www.example.test IN A +E(0)K (127.0.0.1)';
    expect(parseRpzLine(q)).toBeNull();
    expect(parseRpzLine('')).toBeNull();
    expect(parseRpzLine('rpz QNAME NXDOMAIN rewrite')).toBeNull();
    expect(parseRpzLine(L.nxdomain.replace('NXDOMAIN', 'WEIRD'))).toBeNull();
    const cutAt = L.nxdomain.indexOf(' via ');
    for (let cut = 0; cut <= cutAt + 4; cut++) {
      expect(parseRpzLine(L.nxdomain.slice(0, cut)), String(cut)).toBeNull();
    }
  });

  it('refuses a via name longer than the threat_detected schema allows (found by the fuzz suite)', () => {
    const via = `${'a'.repeat(600)}.rpz.local`;
    const long = L.noView.replace('via malware.bad.test.rpz.local', `via ${via}`);
    expect(parseRpzLine(long)).toBeNull();
    const longZone = L.noView.replace(
      'via malware.bad.test.rpz.local',
      `via malware.bad.test.${'z'.repeat(300)}`,
    );
    expect(parseRpzLine(longZone, ['rpz.local'])).toBeNull();
  });

  it('lists the names a wildcard rule may be stored under', () => {
    expect(ruleCandidates('x.malware.bad.test')).toEqual([
      'x.malware.bad.test',
      '*.malware.bad.test',
      '*.bad.test',
      '*.test',
    ]);
  });
});
