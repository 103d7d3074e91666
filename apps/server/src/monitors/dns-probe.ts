import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import dnsPacket, { type RecordType } from 'dns-packet';
import { rcodeName } from '../lib/dns-rcodes.js';

/**
 * One DNS query over UDP, timed: the building block of forwarder health. Built on dns-packet
 * and node:dgram rather than node:dns because the rcode matters (a forwarder answering
 * SERVFAIL is up but failing) and because a closed UDP port produces no error at all, only
 * silence: our own timer decides. Never rejects.
 *
 * `ok` means the server answered with NOERROR or NXDOMAIN (it resolved, the name just may not
 * exist); any other rcode, a timeout, a mismatched or garbled reply are failures.
 */

export interface ProbeTarget {
  address: string;
  port: number;
}

export interface ProbeOptions {
  name: string;
  type: RecordType;
  timeoutMs: number;
}

export interface ProbeResult {
  ok: boolean;
  /** Round-trip time; null when no answer came back. */
  latencyMs: number | null;
  rcode: string | null;
  error?: string;
}

/** The response code name from a message's header flags (the low four bits). */
export function rcodeOfFlags(flags: number): string {
  return rcodeName(flags & 0xf);
}

export function probeDns(target: ProbeTarget, opts: ProbeOptions): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const family = isIP(target.address);
    if (family === 0) {
      resolve({ ok: false, latencyMs: null, rcode: null, error: 'not an IP address' });
      return;
    }
    const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    const id = randomInt(0, 65536);
    const started = performance.now();
    let done = false;
    const finish = (result: ProbeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ok: false, latencyMs: null, rcode: null, error: 'timeout' }),
      opts.timeoutMs,
    );
    socket.on('error', (err) =>
      finish({ ok: false, latencyMs: null, rcode: null, error: err.message }),
    );
    socket.on('message', (msg, rinfo) => {
      if (rinfo.port !== target.port) return;
      let reply: ReturnType<typeof dnsPacket.decode>;
      try {
        reply = dnsPacket.decode(msg);
      } catch {
        return; // garbage: keep waiting for the real answer until the timeout
      }
      if (reply.id !== id || !reply.flag_qr) return;
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      const rcode = rcodeOfFlags(reply.flags ?? 0);
      finish({ ok: rcode === 'NOERROR' || rcode === 'NXDOMAIN', latencyMs, rcode });
    });
    const query = dnsPacket.encode({
      type: 'query',
      id,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type: opts.type, name: opts.name, class: 'IN' }],
    });
    socket.send(query, target.port, target.address, (err) => {
      if (err) finish({ ok: false, latencyMs: null, rcode: null, error: err.message });
    });
  });
}
