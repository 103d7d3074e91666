import { describe, expect, it } from 'vitest';
import { lineFinder, recordLines } from './zone-file-lines.js';
import { characterStrings, zoneFileRecords } from './zone-file-records.js';

const FILE = `$ORIGIN example.test.
$TTL 3600
@ IN SOA ns1 hostmaster (
      1 ; serial ( not a paren )
      3600 900 1209600 300 )
    IN NS ns1
www 300 IN A 192.0.2.1
    IN AAAA 2001:db8::1
www IN A 192.0.2.2
txt TXT ( "a;b"
   "c" )
$ORIGIN sub
host 1h IN A 192.0.2.3
abs.example.test. IN CNAME www
`;

describe('recordLines', () => {
  it('places records by owner and type through $ORIGIN, blank owners and parentheses', () => {
    expect(Object.fromEntries(recordLines(FILE, 'example.test'))).toEqual({
      'example.test.|SOA': [3],
      'example.test.|NS': [6],
      'www.example.test.|A': [7, 9],
      'www.example.test.|AAAA': [8],
      'txt.example.test.|TXT': [10],
      'host.sub.example.test.|A': [13],
      'abs.example.test.|CNAME': [14],
    });
  });

  it('hands each line out once and 0 when there is none left', () => {
    const find = lineFinder(FILE, 'example.test');
    expect([find('WWW.example.test.', 'a'), find('www.example.test.', 'A')]).toEqual([7, 9]);
    expect(find('www.example.test.', 'A')).toBe(0);
    expect(find('nowhere.example.test.', 'A')).toBe(0);
  });
});

describe('zoneFileRecords', () => {
  it('decodes character-strings and relativizes owners', () => {
    expect(characterStrings('"a \\"b\\"" "c\\\\d" plain \\065')).toEqual([
      'a "b"',
      'c\\d',
      'plain',
      'A',
    ]);
    const r = zoneFileRecords(
      [
        'example.test. 3600 IN SOA ns1.example.test. h.example.test. 9 3600 900 1209600 300',
        'www.example.test. 300 IN A 192.0.2.1',
        'example.test. 3600 IN CAA 0 issue "ca.example"',
        'x.example.test. 3600 IN HINFO "a" "b"',
      ],
      'example.test',
      3600,
    );
    expect(r.soa).toMatchObject({ mname: 'ns1.example.test.', refresh: 3600, minimum: 300 });
    expect(r.lines.map((l) => l.value ?? l.error)).toEqual([
      { name: 'www', type: 'A', ttl: 300, value: '192.0.2.1' },
      { name: '@', type: 'CAA', flags: 0, tag: 'issue', value: 'ca.example' },
      expect.stringMatching(
        /^x\.example\.test\. 3600 IN HINFO "a" "b": type HINFO is not supported/,
      ),
    ]);
  });
});
