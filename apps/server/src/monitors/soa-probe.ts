import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import dnsPacket from 'dns-packet';
import { rcodeOfFlags, type ProbeTarget } from './dns-probe.js';
import { isLoopback, trackOwnProbe } from './own-probes.js';

/**
 * One non-recursive SOA query over UDP, as a secondary's refresh does: which serial of `zone`
 * does this server serve? Built like dns-probe.ts (dns-packet over node:dgram, our own timer,
 * since a closed UDP port answers with silence). Never rejects.
 *
 * - `serial`: NOERROR, the AA flag and an SOA record owned by the zone's apex;
 * - `absent`: an answer that says the zone is not served there: REFUSED, NOTAUTH, NXDOMAIN,
 *   SERVFAIL (a secondary whose copy expired), or NOERROR without AA or without the SOA (a
 *   resolver answering from cache, a parent's referral). The server is up, the zone is not;
 * - `silent`: no usable answer (timeout, socket error, a garbled or foreign reply).
 * An SOA fits in any UDP answer, so truncation is not handled.
 *
 * A probe of a loopback address (our own named) registers its socket in own-probes.ts, so the
 * query stream does not count it as user traffic.
 */

export type SoaReading =
  | { kind: 'serial'; serial: number }
  | { kind: 'absent'; rcode: string }
  | { kind: 'silent'; error: string };

export type SoaProbe = (
  target: ProbeTarget,
  zone: string,
  timeoutMs: number,
) => Promise<SoaReading>;

function sameName(a: string, b: string): boolean {
  const norm = (n: string) => n.toLowerCase().replace(/\.$/, '');
  return norm(a) === norm(b);
}

/** The reading a decoded reply gives (pure, for tests). */
export function soaReadingOf(zone: string, reply: dnsPacket.Packet): SoaReading {
  const rcode = rcodeOfFlags(reply.flags ?? 0);
  if (rcode !== 'NOERROR') return { kind: 'absent', rcode };
  if (((reply.flags ?? 0) & dnsPacket.AUTHORITATIVE_ANSWER) === 0) {
    return { kind: 'absent', rcode: 'NOERROR (not authoritative)' };
  }
  for (const answer of reply.answers ?? []) {
    if (answer.type === 'SOA' && sameName(answer.name, zone)) {
      const serial = answer.data.serial;
      if (typeof serial === 'number') return { kind: 'serial', serial };
    }
  }
  return { kind: 'absent', rcode: 'NOERROR (no SOA)' };
}

export const probeSoa: SoaProbe = (target, zone, timeoutMs) =>
  new Promise((resolve) => {
    const family = isIP(target.address);
    if (family === 0) {
      resolve({ kind: 'silent', error: 'not an IP address' });
      return;
    }
    const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    if (isLoopback(target.address)) trackOwnProbe(socket, zone);
    const id = randomInt(0, 65536);
    let done = false;
    const finish = (reading: SoaReading): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      resolve(reading);
    };
    const timer = setTimeout(() => finish({ kind: 'silent', error: 'timeout' }), timeoutMs);
    socket.on('error', (err) => finish({ kind: 'silent', error: err.message }));
    socket.on('message', (msg, rinfo) => {
      if (rinfo.port !== target.port) return;
      let reply: dnsPacket.DecodedPacket;
      try {
        reply = dnsPacket.decode(msg);
      } catch {
        return; // garbage: keep waiting for the real answer until the timeout
      }
      if (reply.id !== id || !reply.flag_qr) return;
      finish(soaReadingOf(zone, reply));
    });
    const query = dnsPacket.encode({
      type: 'query',
      id,
      flags: 0, // no recursion: only what the server itself serves counts
      questions: [{ type: 'SOA', name: zone, class: 'IN' }],
    });
    socket.send(query, target.port, target.address, (err) => {
      if (err) finish({ kind: 'silent', error: err.message });
    });
  });
