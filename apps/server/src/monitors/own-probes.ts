import type { Socket } from 'node:dgram';

/**
 * The server's own DNS probes of its managed named (the replication watcher's SOA queries, the
 * served-serial check), so the query stream can leave them out of the user traffic: named logs
 * and taps them like any client's query, from 127.0.0.1 and an ephemeral UDP port.
 *
 * A probe socket registers its local port and the name it asks about once bound; the entry stays
 * while the socket is open and for `graceMs` after it closes, since the query-log line and the
 * dnstap frame can arrive after the answer (dnstap up to ~2 s on a quiet server). A query is the
 * server's own when its client is loopback and its port and name match an entry. The kernel
 * rarely hands the same ephemeral port to another local client within seconds, and the name
 * must match too, so a user's query is practically never taken for a probe.
 *
 * No timers: entries carry an expiry and are pruned lazily (on lookup, and when the map is
 * full); at most `maxEntries` are kept, the oldest evicted first.
 */

export interface OwnProbeCheck {
  isOwn(clientIp: string, clientPort: number, qname: string): boolean;
}

export interface OwnProbeRegistryOptions {
  /** How long a closed probe's port still counts as ours (default 30 s). */
  graceMs?: number;
  /** Entries kept at most (default 16,384). */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  qname: string;
  /** Infinity while the socket is open. */
  expiresAt: number;
}

const normName = (n: string): string => n.toLowerCase().replace(/\.$/, '');

/** 127.0.0.0/8, ::1 and their IPv4-mapped form. */
export function isLoopback(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return v4.startsWith('127.') || ip === '::1';
}

export class OwnProbeRegistry implements OwnProbeCheck {
  private readonly entries = new Map<number, Entry>();
  private readonly graceMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(opts: OwnProbeRegistryOptions = {}) {
    this.graceMs = opts.graceMs ?? 30_000;
    this.maxEntries = Math.max(1, opts.maxEntries ?? 16_384);
    this.now = opts.now ?? Date.now;
  }

  /** A probe socket bound to local `port` asks about `qname`. */
  hold(port: number, qname: string): void {
    this.entries.delete(port); // re-inserted last: the map's order is the eviction order
    if (this.entries.size >= this.maxEntries) this.prune();
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(port, { qname: normName(qname), expiresAt: Infinity });
  }

  /** The probe socket on `port` closed: its queries still count as ours for the grace period. */
  release(port: number): void {
    const entry = this.entries.get(port);
    if (entry) entry.expiresAt = this.now() + this.graceMs;
  }

  isOwn(clientIp: string, clientPort: number, qname: string): boolean {
    if (this.entries.size === 0 || !isLoopback(clientIp)) return false;
    const entry = this.entries.get(clientPort);
    if (!entry) return false;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(clientPort);
      return false;
    }
    return entry.qname === normName(qname);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  private prune(): void {
    const now = this.now();
    for (const [port, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(port);
  }
}

/** The process-wide registry the probes write and the query stream reads. */
export const ownProbes = new OwnProbeRegistry();

/**
 * Registers `socket` as a probe asking about `qname`: its port once bound (before the query is
 * sent: send() binds first), released when the socket closes.
 */
export function trackOwnProbe(
  socket: Socket,
  qname: string,
  registry: OwnProbeRegistry = ownProbes,
): void {
  let port: number | null = null;
  socket.once('listening', () => {
    port = socket.address().port;
    registry.hold(port, qname);
  });
  socket.once('close', () => {
    if (port !== null) registry.release(port);
  });
}
