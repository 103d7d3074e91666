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
