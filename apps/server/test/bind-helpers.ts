import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import dnsPacket from 'dns-packet';
import { locateBindBinaries, type BindBinaries } from '../src/bind/bind-binaries.js';
import type { BindPorts } from '../src/bind/bind-layout.js';
export type { BindPorts };

/** Test helpers for the BIND adapter: free loopback ports, temp dirs, dig. */

export function bindBinaries(): BindBinaries {
  const { complete, missing } = locateBindBinaries();
  if (!complete) throw new Error(`BIND tools missing: ${missing.join(', ')}`);
  return complete;
}

function listenTcp(port: number): Promise<net.Server | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function bindUdp(port: number): Promise<dgram.Socket | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(null);
    });
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}

/** A loopback port free for both TCP and UDP right now (DNS needs both). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const tcp = await listenTcp(0);
    if (!tcp) continue;
    const port = (tcp.address() as net.AddressInfo).port;
    const udp = await bindUdp(port);
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    if (!udp) continue;
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    return port;
  }
  throw new Error('no free port found');
}

export async function freeBindPorts(): Promise<BindPorts> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [dns, rndc, stats] = [...ports] as [number, number, number];
  return { dns, rndc, stats };
}

export async function tempDir(
  prefix = 'hdns-bind-',
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface DigAnswer {
  status: string;
  /** Answer section RDATA strings, e.g. `10 mail.example.test.`. */
  answers: string[];
  /** Answer section record types. */
  types: string[];
}

/** `dig @127.0.0.1 -p PORT NAME TYPE` (no recursion flag needed for authoritative data). */
export function dig(port: number, name: string, type = 'A'): Promise<DigAnswer> {
  const args = [
    '@127.0.0.1',
    '-p',
    String(port),
    name,
    type,
    '+noall',
    '+comments',
    '+answer',
    '+time=1',
    '+tries=2',
  ];
  return new Promise((resolve, reject) => {
    execFile('dig', args, { timeout: 10_000 }, (error, stdout) => {
      const status = /status: ([A-Z]+)/.exec(stdout)?.[1];
      if (!status) {
        reject(new Error(`dig failed: ${error?.message ?? ''}\n${stdout}`));
        return;
      }
      const records = stdout
        .split('\n')
        .filter((l) => l && !l.startsWith(';'))
        .map((l) => l.split(/\s+/));
      resolve({
        status,
        types: records.map((f) => f[3] ?? ''),
        answers: records.map((f) => f.slice(4).join(' ')),
      });
    });
  });
}

/**
 * A tiny upstream for forwarding tests: answers A queries for the names it knows (keys without
 * trailing dot, case-insensitive) and NXDOMAIN otherwise, over UDP on loopback.
 */
export async function startFakeUpstream(
  answers: Record<string, string>,
  /** The rcode of names not in `answers` (3 NXDOMAIN; 2 SERVFAIL plays a broken upstream). */
  missRcode = 3,
): Promise<{ port: number; queries: string[]; close: () => Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (msg, rinfo) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const q = query.questions?.[0];
    if (!q) return;
    queries.push(`${q.name} ${q.type}`);
    const address = answers[q.name.toLowerCase().replace(/\.$/, '')];
    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags:
        dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (address ? 0 : missRcode),
      questions: [q],
      answers:
        address && q.type === 'A' ? [{ type: 'A', name: q.name, ttl: 60, data: address }] : [],
    });
    socket.send(reply, rinfo.port, rinfo.address);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', () => resolve()));
  return {
    port,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A valid zone name of exactly `length` characters under `test` (labels of at most 63). */
export function zoneNameOfLength(length: number): string {
  const labels: string[] = [];
  let left = length - 'test'.length;
  while (left > 0) {
    const size = Math.min(63, left - 1);
    labels.push('x'.repeat(size));
    left -= size + 1;
  }
  return [...labels, 'test'].join('.');
}
