import { describe, expect, it } from 'vitest';
import { parseDnssecStatus } from './dnssec-status-parser.js';
import { parseZoneStatus } from './rndc-parsers.js';

// Captured from named 9.18.49 (Debian) on this machine, policy "mine" = KSK unlimited + ZSK
// P90D, right after `rndc dnssec -rollover -key 59220 k.test`.
const KSK_ZSK_ROLLED = `dnssec-policy: mine
current time:  Sun Dec  6 05:05:05 2026

key: 42926 (ECDSAP256SHA256), ZSK
  published:      yes - since Sun Dec  6 05:05:04 2026
  zone signing:   yes - since Sun Dec  6 07:10:04 2026

  Next rollover scheduled on Sat Mar  6 05:05:04 2027
  - goal:           omnipresent
  - dnskey:         rumoured
  - zone rrsig:     rumoured

key: 12720 (ECDSAP256SHA256), KSK
  published:      yes - since Sun Dec  6 05:02:48 2026
  key signing:    yes - since Sun Dec  6 05:02:48 2026

  No rollover scheduled
  - goal:           omnipresent
  - dnskey:         rumoured
  - ds:             hidden
  - key rrsig:      rumoured

key: 59220 (ECDSAP256SHA256), ZSK
  published:      no
  zone signing:   no

  Key has been removed from the zone
  - goal:           hidden
  - dnskey:         unretentive
  - zone rrsig:     unretentive

`;

// Same named, `dnssec-policy default` (one CSK), seconds after the zone was first signed.
const DEFAULT_CSK = `dnssec-policy: default
current time:  Sun Dec  6 05:02:43 2026

key: 47363 (ECDSAP256SHA256), CSK
  published:      yes - since Sun Dec  6 05:02:42 2026
  key signing:    yes - since Sun Dec  6 05:02:42 2026
  zone signing:   yes - since Sun Dec  6 05:02:42 2026

  No rollover scheduled
  - goal:           omnipresent
  - dnskey:         rumoured
  - ds:             hidden
  - zone rrsig:     rumoured
  - key rrsig:      rumoured
`;

// `rndc zonestatus` of the inline-signed zone above after one reload: `serial` is the unsigned
// (our) serial, `signed serial` the one served.
const SIGNED_ZONESTATUS = `name: s.test
type: primary
files: /tmp/dx/zones/db.s.test
serial: 2
signed serial: 4
nodes: 3
last loaded: Sun, 06 Dec 2026 05:02:50 GMT
secure: yes
inline signing: yes
key maintenance: automatic
next key event: Sun, 06 Dec 2026 07:07:42 GMT
next resign node: s.test/NS
next resign time: Mon, 14 Dec 2026 20:28:12 GMT
dynamic: no
reconfigurable via modzone: no
`;

const iso = (ctime: string) => new Date(Date.parse(ctime)).toISOString();

describe('rndc dnssec -status', () => {
  it('reads a CSK of the default policy', () => {
    const s = parseDnssecStatus(DEFAULT_CSK);
    expect(s.policy).toBe('default');
    expect(s.keys).toEqual([
      {
        tag: 47363,
        algorithm: 'ECDSAP256SHA256',
        algorithmNumber: 13,
        role: 'csk',
        published: true,
        publishedSince: iso('Sun Dec  6 05:02:42 2026'),
        keySigning: true,
        zoneSigning: true,
        activeSince: iso('Sun Dec  6 05:02:42 2026'),
        retired: false,
        retireAt: null,
        nextRollover: null,
        rollover: 'No rollover scheduled',
        states: {
          goal: 'omnipresent',
          dnskey: 'rumoured',
          ds: 'hidden',
          'zone rrsig': 'rumoured',
          'key rrsig': 'rumoured',
        },
      },
    ]);
  });

  it('reads a KSK, a new ZSK with its next rollover and the removed one', () => {
    const s = parseDnssecStatus(KSK_ZSK_ROLLED);
    expect(s.policy).toBe('mine');
    expect(s.keys.map((k) => [k.tag, k.role, k.published, k.retired])).toEqual([
      [42926, 'zsk', true, false],
      [12720, 'ksk', true, false],
      [59220, 'zsk', false, true],
    ]);
    const [next, ksk, old] = s.keys;
    expect(next!.nextRollover).toBe(iso('Sat Mar  6 05:05:04 2027'));
    expect(next!.activeSince).toBe(iso('Sun Dec  6 07:10:04 2026'));
    expect(next!.keySigning).toBe(false);
    expect(ksk!.states).toEqual({
      goal: 'omnipresent',
      dnskey: 'rumoured',
      ds: 'hidden',
      'key rrsig': 'rumoured',
    });
    expect(ksk!.zoneSigning).toBe(false);
    expect(old!.rollover).toBe('Key has been removed from the zone');
    expect(old!.states.goal).toBe('hidden');
    expect(old!.publishedSince).toBeNull();
  });

  it('reports an unsigned zone as no policy and no keys', () => {
    expect(parseDnssecStatus('Zone does not have dnssec-policy\n')).toEqual({
      policy: null,
      keys: [],
    });
  });
});

describe('rndc zonestatus of an inline-signed zone', () => {
  it('gives our (unsigned) serial as serial and the served one as signedSerial', () => {
    const z = parseZoneStatus(SIGNED_ZONESTATUS);
    expect(z.serial).toBe(2);
    expect(z.signedSerial).toBe(4);
  });

  it('has no signed serial for an unsigned zone', () => {
    const z = parseZoneStatus('name: u.test\ntype: primary\nserial: 4\nnodes: 3\n');
    expect(z.serial).toBe(4);
    expect(z.signedSerial).toBeNull();
  });
});
