import { describe, expect, it } from 'vitest';
import { bindLayout } from './bind-layout.js';
import { renderZoneStatement } from './named-config.js';

const layout = bindLayout('/data/bind');
const base = { name: 'Sec.Example.', type: 'secondary' as const, defaultTtl: 3600, serial: 0 };

describe('renderZoneStatement for secondary zones', () => {
  it('pulls from every primary with the zone key, into the zone file named may write', () => {
    const text = renderZoneStatement(
      { ...base, primaries: ['192.0.2.1', '2001:db8::1#5300'], tsigKeyName: 'xfr-key' },
      layout,
    );
    expect(text).toBe(
      [
        'zone "sec.example" {',
        '  type secondary;',
        '  file "/data/bind/zones/db.sec.example";',
        '  primaries { 192.0.2.1 key "xfr-key"; 2001:db8::1 port 5300 key "xfr-key"; };',
        '  allow-transfer { key "hdns-key"; };',
        '  notify no;',
        '};',
      ].join('\n'),
    );
  });

  it('names no key when the zone has none', () => {
    const text = renderZoneStatement({ ...base, primaries: ['192.0.2.1#53'] }, layout);
    expect(text).toContain('  primaries { 192.0.2.1 port 53; };');
    expect(text).not.toContain('primaries { 192.0.2.1 port 53 key');
  });

  it('refuses a zone without primaries, a bad address or a key name that could break out', () => {
    expect(() => renderZoneStatement({ ...base, primaries: [] }, layout)).toThrow(/primary/);
    expect(() => renderZoneStatement({ ...base, primaries: ['ns1.example'] }, layout)).toThrow();
    expect(() =>
      renderZoneStatement({ ...base, primaries: ['192.0.2.1'], tsigKeyName: 'k"; };' }, layout),
    ).toThrow();
  });
});
