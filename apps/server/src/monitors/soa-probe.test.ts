import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { ownProbes } from './own-probes.js';
import { probeSoa, soaReadingOf } from './soa-probe.js';

const soa = (name: string, serial: number): dnsPacket.Answer => ({
  type: 'SOA',
  name,
  ttl: 60,
  class: 'IN',
  data: {
    mname: 'ns.a.test',
    rname: 'hostmaster.a.test',
    serial,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: 60,
  },
});

/** A reply as it comes off the wire (encoded, then decoded). */
function reply(rcode: number, aa: boolean, answers: dnsPacket.Answer[]): dnsPacket.DecodedPacket {
  return dnsPacket.decode(
    dnsPacket.encode({
      type: 'response',
      id: 1,
      flags: rcode | (aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0),
      questions: [{ type: 'SOA', name: 'a.test', class: 'IN' }],
      answers,
    }),
  );
}

describe('soaReadingOf', () => {
  it('reads the serial of an authoritative SOA answer for the apex (any case, trailing dot)', () => {
    expect(soaReadingOf('A.Test.', reply(0, true, [soa('a.test', 2026120601)]))).toEqual({
      kind: 'serial',
      serial: 2026120601,
    });
  });

  it('calls REFUSED, NOTAUTH, NXDOMAIN and SERVFAIL absent', () => {
    for (const [code, name] of [
      [5, 'REFUSED'],
      [9, 'NOTAUTH'],
      [3, 'NXDOMAIN'],
      [2, 'SERVFAIL'],
    ] as const) {
      expect(soaReadingOf('a.test', reply(code, false, []))).toEqual({
        kind: 'absent',
        rcode: name,
      });
    }
  });

  it('calls an answer without AA, or without the apex SOA, absent', () => {
    expect(soaReadingOf('a.test', reply(0, false, [soa('a.test', 3)]))).toEqual({
      kind: 'absent',
      rcode: 'NOERROR (not authoritative)',
    });
    expect(soaReadingOf('a.test', reply(0, true, [soa('test', 3)]))).toEqual({
      kind: 'absent',
      rcode: 'NOERROR (no SOA)',
    });
  });
});

describe('probeSoa over UDP', () => {
  let server: dgram.Socket | null = null;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
  });

  async function listen(
    onQuery: (q: dnsPacket.DecodedPacket, answer: (b: Buffer) => void) => void,
  ) {
    const s = dgram.createSocket('udp4');
    server = s;
    s.on('message', (msg, rinfo) =>
      onQuery(dnsPacket.decode(msg), (b) => s.send(b, rinfo.port, rinfo.address)),
    );
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
    return s.address().port;
  }

  it('sends a non-recursive SOA query and reads the answer, ignoring a foreign id', async () => {
    let asked: dnsPacket.DecodedPacket | null = null;
    const port = await listen((q, answer) => {
      asked = q;
      const base = {
        type: 'response' as const,
        flags: dnsPacket.AUTHORITATIVE_ANSWER,
        questions: q.questions,
        answers: [soa('a.test', 7)],
      };
      answer(dnsPacket.encode({ ...base, id: ((q.id ?? 0) + 1) % 65536 }));
      answer(Buffer.from('garbage'));
      answer(dnsPacket.encode({ ...base, id: q.id }));
    });
    expect(await probeSoa({ address: '127.0.0.1', port }, 'a.test', 2000)).toEqual({
      kind: 'serial',
      serial: 7,
    });
    expect(asked!.questions).toMatchObject([{ type: 'SOA', name: 'a.test' }]);
    expect(asked!.flags! & dnsPacket.RECURSION_DESIRED).toBe(0);
  });

  it('registers its port as one of our own probes (loopback target), so the stream drops it', async () => {
    ownProbes.clear();
    let from = -1;
    const port = await listen((q, answer) => {
      answer(
        dnsPacket.encode({
          type: 'response',
          id: q.id,
          flags: dnsPacket.AUTHORITATIVE_ANSWER,
          questions: q.questions,
          answers: [soa('a.test', 7)],
        }),
      );
    });
    server!.prependListener('message', (_msg, rinfo) => (from = rinfo.port));
    await probeSoa({ address: '127.0.0.1', port }, 'a.test', 2000);
    expect(from).toBeGreaterThan(0);
    // Closed, but within the grace period: its log line may still be on its way.
    expect(ownProbes.isOwn('127.0.0.1', from, 'a.test')).toBe(true);
    expect(ownProbes.isOwn('127.0.0.1', from, 'b.test')).toBe(false);
    ownProbes.clear();
  });

  it('is silent when nothing answers', async () => {
    const port = await listen(() => undefined);
    expect(await probeSoa({ address: '127.0.0.1', port }, 'a.test', 100)).toEqual({
      kind: 'silent',
      error: 'timeout',
    });
  });

  it('is silent for an address that is not an IP', async () => {
    expect(await probeSoa({ address: 'ns2.example', port: 53 }, 'a.test', 100)).toMatchObject({
      kind: 'silent',
    });
  });
});
