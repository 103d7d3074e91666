import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readName, readQuery, summarizeResponse } from './dns-wire-summary.js';

const query = (extra: Partial<dnsPacket.Packet> = {}) =>
  dnsPacket.encode({
    type: 'query',
    id: 4242,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: 'A', name: 'WWW.Example.Test' }],
    ...extra,
  });

const opt = (options: dnsPacket.PacketOpt[] = [], flags = 0): dnsPacket.Answer => ({
  type: 'OPT',
  name: '.',
  udpPayloadSize: 1232,
  extendedRcode: 0,
  ednsVersion: 0,
  flags,
  flag_do: flags !== 0,
  options,
});

const response = (extra: Partial<dnsPacket.Packet>, rcode = 0) =>
  dnsPacket.encode({
    type: 'response',
    id: 4242,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode,
    questions: [{ type: 'A', name: 'www.example.test' }],
    ...extra,
  });

describe('readQuery', () => {
  it('reads the question and flags in BIND query-log notation', () => {
    expect(readQuery(query(), false)).toEqual({
      id: 4242,
      qname: 'www.example.test',
      qtype: 'A',
      qclass: 'IN',
      flags: '+',
    });
    const withEdns = query({
      additionals: [
        opt(
          [{ code: 10, data: Buffer.alloc(8, 1) } as unknown as dnsPacket.PacketOpt],
          dnsPacket.DNSSEC_OK,
        ),
      ],
    });
    expect(readQuery(withEdns, true)?.flags).toBe('+E(0)TDK');
    const cd = query({ flags: dnsPacket.CHECKING_DISABLED });
    expect(readQuery(cd, false)?.flags).toBe('-C');
  });

  it('reads an ECS option as address/source', () => {
    const q = query({
      additionals: [
        opt([
          { code: 8, family: 1, sourcePrefixLength: 24, scopePrefixLength: 0, ip: '192.0.2.0' },
        ]),
      ],
    });
    expect(readQuery(q, false)).toMatchObject({ flags: '+E(0)', ecs: '192.0.2.0/24' });
    const q6 = query({
      additionals: [
        opt([
          { code: 8, family: 2, sourcePrefixLength: 48, scopePrefixLength: 0, ip: '2001:db8::' },
        ]),
      ],
    });
    expect(readQuery(q6, false)?.ecs).toBe('2001:db8::/48');
  });

  it('lets the last OPT decide EDNS version and DO (a second OPT breaks RFC 6891 but may come)', () => {
    const q = query({ additionals: [opt([], dnsPacket.DNSSEC_OK), opt()] });
    expect(readQuery(q, false)?.flags).toBe('+E(0)');
    const q2 = query({ additionals: [opt(), opt([], dnsPacket.DNSSEC_OK)] });
    expect(readQuery(q2, false)?.flags).toBe('+E(0)D');
  });

  it('marks a TSIG-signed query S', () => {
    const q = query();
    // Append a TSIG record by hand: root owner, type 250, class ANY, ttl 0, rdlen 0.
    const signed = Buffer.concat([q, Buffer.from('0000fa00ff000000000000', 'hex')]);
    signed.writeUInt16BE(1, 10);
    expect(readQuery(signed, false)?.flags).toBe('+S');
  });

  it('writes the root as . and escapes odd characters', () => {
    expect(readName(Buffer.from([0]), 0)).toEqual({ name: '.', end: 1 });
    expect(readName(Buffer.from('03612e6200', 'hex'), 0)?.name).toBe('a\\046b');
    // A compression loop is malformed, not an endless loop.
    expect(readName(Buffer.from('c000', 'hex'), 0)).toBeNull();
  });
});

describe('summarizeResponse', () => {
  it('summarizes a NOERROR answer with its query', () => {
    const q = readQuery(query({ additionals: [opt()] }), false);
    const r = response({
      flags:
        dnsPacket.AUTHORITATIVE_ANSWER |
        dnsPacket.RECURSION_DESIRED |
        dnsPacket.RECURSION_AVAILABLE,
      answers: [
        { type: 'CNAME', name: 'www.example.test', ttl: 60, data: 'Host.Example.Test' },
        { type: 'A', name: 'host.example.test', ttl: 60, data: '192.0.2.1' },
        {
          type: 'MX',
          name: 'host.example.test',
          ttl: 60,
          data: { preference: 10, exchange: 'mx.example.test' },
        },
      ],
    });
    expect(summarizeResponse(r, q, false, [])).toEqual({
      id: 4242,
      qname: 'www.example.test',
      qtype: 'A',
      qclass: 'IN',
      rcode: 'NOERROR',
      responseFlags: 'qr aa rd ra',
      flags: '+E(0)',
      answerCount: 3,
      answer: 'CNAME host.example.test, A 192.0.2.1, MX 10 mx.example.test',
      responseSize: r.length,
      blocked: false,
      rpzAction: null,
    });
  });

  it('infers flags from the response when the query was not seen', () => {
    const r = response({ additionals: [opt()] }, 3);
    expect(summarizeResponse(r, null, true, [])).toMatchObject({
      qname: 'www.example.test',
      rcode: 'NXDOMAIN',
      flags: '+E(0)T',
      answerCount: 0,
      answer: '',
    });
  });

  it('shows the RDATA of every common type, and the type alone for the rest', () => {
    const rr = <T extends dnsPacket.Answer>(a: T): T => a;
    const r = response({
      answers: [
        rr({ type: 'AAAA', name: 'www.example.test', ttl: 60, data: '2001:db8:0:0:0:0:0:10' }),
        rr({ type: 'NS', name: 'example.test', ttl: 60, data: 'NS1.Example.Test' }),
        rr({ type: 'PTR', name: '10.2.0.192.in-addr.arpa', ttl: 60, data: 'www.example.test' }),
        rr({
          type: 'SRV',
          name: '_sip._udp.example.test',
          ttl: 60,
          data: { priority: 10, weight: 60, port: 5060, target: 'sip.example.test' },
        }),
        rr({ type: 'TXT', name: 'example.test', ttl: 60, data: ['v=spf1 -all', 'say "hi"'] }),
        rr({
          type: 'SOA',
          name: 'example.test',
          ttl: 60,
          data: {
            mname: 'ns1.example.test',
            rname: 'hostmaster.example.test',
            serial: 1,
            refresh: 1,
            retry: 1,
            expire: 1,
            minimum: 60,
          },
        }),
        rr({ type: 'DNAME', name: 'old.example.test', ttl: 60, data: 'new.example.test' }),
        rr({
          type: 'CAA',
          name: 'example.test',
          ttl: 60,
          data: { flags: 0, tag: 'issue', value: 'ca.test' },
        }),
      ],
    });
    expect(summarizeResponse(r, null, false, [])?.answer).toBe(
      'AAAA 2001:db8::10, NS ns1.example.test, PTR www.example.test, ' +
        'SRV 10 60 5060 sip.example.test, TXT "v=spf1 -all" "say \\"hi\\"", ' +
        'SOA ns1.example.test, DNAME new.example.test, CAA',
    );
    // A type this server has no name for: RFC 3597's TYPEnn. The A record's type is patched.
    const unknown = response({
      answers: [{ type: 'A', name: 'www.example.test', ttl: 60, data: '192.0.2.1' }],
    });
    const typeAt = unknown.length - 14;
    expect(unknown.readUInt16BE(typeAt)).toBe(1);
    unknown.writeUInt16BE(65280, typeAt);
    expect(summarizeResponse(unknown, null, false, [])).toMatchObject({
      answerCount: 1,
      answer: 'TYPE65280',
    });
  });

  it('agrees with dns-packet on the answers of any response', () => {
    const name = fc
      .array(fc.stringMatching(/^[a-z0-9-]{1,12}$/), { minLength: 1, maxLength: 4 })
      .map((l) => l.join('.'));
    const answer = fc.oneof(
      fc
        .tuple(name, fc.ipV4())
        .map(([n, ip]): dnsPacket.Answer => ({ type: 'A', name: n, data: ip })),
      fc.tuple(name, name).map(([n, t]): dnsPacket.Answer => ({ type: 'CNAME', name: n, data: t })),
      fc
        .tuple(name, fc.integer({ min: 0, max: 65535 }), name)
        .map(([n, p, x]): dnsPacket.Answer => ({
          type: 'MX',
          name: n,
          data: { preference: p, exchange: x },
        })),
      fc
        .tuple(name, fc.stringMatching(/^[ -~]{0,40}$/))
        .map(([n, t]): dnsPacket.Answer => ({ type: 'TXT', name: n, data: t })),
    );
    fc.assert(
      fc.property(fc.array(answer, { maxLength: 12 }), (answers) => {
        const wire = response({ answers });
        const decoded = dnsPacket.decode(wire).answers ?? [];
        const expected = decoded
          .map((a) => {
            if (a.type === 'A' || a.type === 'CNAME') return `${a.type} ${a.data}`;
            if (a.type === 'MX') return `MX ${a.data.preference} ${a.data.exchange}`;
            if (a.type === 'TXT') {
              const parts = Array.isArray(a.data) ? a.data : [a.data];
              return `TXT ${parts.map((p) => JSON.stringify(p.toString())).join(' ')}`;
            }
            return a.type;
          })
          .join(', ')
          .slice(0, 256);
        const s = summarizeResponse(wire, null, false, []);
        expect(s?.answerCount).toBe(decoded.length);
        expect(s?.answer).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('cuts the answer summary to 256 characters', () => {
    const answers = Array.from({ length: 40 }, (_, i) => ({
      type: 'A' as const,
      name: 'www.example.test',
      ttl: 60,
      data: `192.0.2.${i}`,
    }));
    const s = summarizeResponse(response({ answers }), null, false, []);
    expect(s?.answerCount).toBe(40);
    expect(s?.answer).toHaveLength(256);
  });

  it('spots an RPZ rewrite by the policy zone SOA in ADDITIONAL', () => {
    const soa = (name: string): dnsPacket.Answer => ({
      type: 'SOA',
      name,
      ttl: 60,
      data: {
        mname: 'ns.rpz.local',
        rname: 'admin.rpz.local',
        serial: 1,
        refresh: 1,
        retry: 1,
        expire: 1,
        minimum: 60,
      },
    });
    const zones = ['rpz.local.'];
    const nx = summarizeResponse(
      response({ additionals: [soa('rpz.local')] }, 3),
      null,
      false,
      zones,
    );
    expect(nx).toMatchObject({ blocked: true, rpzAction: 'NXDOMAIN' });
    const nodata = summarizeResponse(
      response({ additionals: [soa('RPZ.local')] }),
      null,
      false,
      zones,
    );
    expect(nodata).toMatchObject({ blocked: true, rpzAction: 'NODATA' });
    const cname = summarizeResponse(
      response({
        answers: [{ type: 'CNAME', name: 'www.example.test', ttl: 60, data: 'walled.garden.test' }],
        additionals: [soa('rpz.local')],
      }),
      null,
      false,
      zones,
    );
    expect(cname).toMatchObject({ blocked: true, rpzAction: 'CNAME' });
    const local = summarizeResponse(
      response({
        answers: [{ type: 'A', name: 'www.example.test', ttl: 60, data: '192.0.2.9' }],
        additionals: [soa('rpz.local')],
      }),
      null,
      false,
      zones,
    );
    expect(local).toMatchObject({ blocked: true, rpzAction: 'LOCAL-DATA' });
    const other = summarizeResponse(
      response({ additionals: [soa('example.test')] }, 3),
      null,
      false,
      zones,
    );
    expect(other).toMatchObject({ blocked: false, rpzAction: null });
  });

  it('never throws on arbitrary or corrupted wire', () => {
    const real = response({
      answers: [{ type: 'A', name: 'www.example.test', ttl: 60, data: '192.0.2.9' }],
      additionals: [
        opt([
          { code: 8, family: 1, sourcePrefixLength: 24, scopePrefixLength: 0, ip: '192.0.2.0' },
        ]),
      ],
    });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const b = Buffer.from(bytes);
        summarizeResponse(b, null, false, ['rpz.local']);
        readQuery(b, false);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.nat(real.length - 1), fc.integer({ min: 0, max: 255 }), (i, v) => {
        const copy = Buffer.from(real);
        copy[i] = v;
        const s = summarizeResponse(copy, readQuery(copy, false), false, ['rpz.local']);
        if (s !== null) {
          expect(s.qname.length).toBeLessThanOrEqual(255);
          expect(s.answer.length).toBeLessThanOrEqual(256);
          expect(s.flags.length).toBeLessThanOrEqual(32);
          expect(s.qclass.length).toBeLessThanOrEqual(8);
          expect(s.qtype.length).toBeLessThanOrEqual(16);
          expect(s.rcode.length).toBeLessThanOrEqual(16);
        }
        summarizeResponse(copy.subarray(0, i), null, false, []);
      }),
      { numRuns: 3000 },
    );
  });

  it('returns null for a truncated message', () => {
    expect(summarizeResponse(Buffer.alloc(5), null, false, [])).toBeNull();
    const r = response({
      answers: [{ type: 'A', name: 'www.example.test', ttl: 60, data: '192.0.2.9' }],
    });
    expect(summarizeResponse(r.subarray(0, r.length - 2), null, false, [])).toBeNull();
  });
});
