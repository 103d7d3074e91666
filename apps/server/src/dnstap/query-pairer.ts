import type { QueryTransport } from '@hdns/protocol/rest';
import type { QueryFacts, UpstreamFacts } from '../queries/query-facts.js';
import { COMPLETE_WITHIN_MS } from '../queries/query-merger.js';
import { MessageType, SocketProtocol, type DnstapMessage } from './dnstap-message.js';
import {
  headerRcode,
  readQuery,
  scanQuery,
  scannedQuery,
  scannedResponse,
  scanResponse,
} from './dns-wire-summary.js';

/**
 * Joins dnstap query and response messages into one record each. BIND 9.18's CLIENT_RESPONSE
 * carries no query time and no query message, so latency and the query's own flags need the
 * CLIENT_QUERY, matched by (client address, client port, DNS id, transport). A response whose
 * query was not seen (`dnstap { client response; }`, or a frame lost) still yields facts, with
 * latency null. A query whose response never comes is dropped after `clientTimeoutMs` (by arrival
 * time here, since frames arrive up to ~2 s late) and counted. At most `maxPending` queries wait;
 * beyond that the oldest go (counted), so memory stays bounded whatever named sends.
 *
 * Upstream exchanges (FORWARDER_* and RESOLVER_*) pair the same way on (upstream address and
 * port, our source port, DNS id) into UpstreamFacts; a query that times out is reported with
 * rcode and latency null: a failure of that upstream. Seen from BIND 9.18 (`dnstap { forwarder;
 * resolver; }`): a query to a `type forward` zone's forwarder came as RESOLVER_QUERY/RESPONSE,
 * not FORWARDER_*, with query_address 0.0.0.0 or `::` (the wildcard source), and the
 * RESOLVER_RESPONSE carries the query time itself, so its latency needs no pairing. With no
 * network, root priming produces RESOLVER_QUERYs that time out: reported as failures, correctly.
 * AUTH_QUERY / AUTH_RESPONSE are client exchanges too (an authoritative answer): with
 * `dnstap { auth; client; }` named logs the query of an authoritative zone as AUTH_QUERY and
 * its answer as CLIENT_RESPONSE when RD was set, AUTH_RESPONSE when not (measured on 9.18).
 */

export interface PairerCounters {
  /** Consumer callbacks that threw from the sweep timer (ignored). */
  consumerErrors: number;
  /** Client responses joined to their query. */
  paired: number;
  /** Client responses without their query (facts with latency null). */
  unpaired: number;
  /** Client queries that waited longer than the timeout. */
  timedOut: number;
  /** Pending queries pushed out by the `maxPending` bound. */
  evicted: number;
  /** DNS messages that did not parse. */
  malformed: number;
  upstreamPaired: number;
  upstreamTimedOut: number;
}

export interface QueryPairerOptions {
  onQuery(facts: QueryFacts): void;
  onUpstream?(facts: UpstreamFacts): void;
  /** The response-policy zone names, asked per response (cheap: a list kept by the caller). */
  rpzZones(): readonly string[];
  /** How long an upstream query waits for its response before it is a failure; default 10 s. */
  timeoutMs?: number;
  /**
   * How long a client query waits for its response; default `timeoutMs` when that is given,
   * else COMPLETE_WITHIN_MS (35 s): named answers SERVFAIL only after its resolver timeout (up
   * to 30 s), and a response whose query was dropped comes with latency null, which the query
   * merger can no longer join to its logged query (one query would be stored twice).
   */
  clientTimeoutMs?: number;
  /** Default 100,000 (client and upstream queries each). */
  maxPending?: number;
  /** Sweep interval of start()'s timer (default 1 s). */
  sweepMs?: number;
  now?: () => number;
}

/** A client query waiting for its response: what the response needs of it, nothing more. */
interface PendingClient {
  arrivedMs: number;
  queryTimeMs: number | null;
  /** The client as sent (address text, raw port and protocol), compared on a hit: the numeric key hashes and folds them. */
  address: string | null;
  port: number;
  protocol: number;
  /** Null when the query did not parse (the response then tells everything). */
  qname: string | null;
  qtype: string;
  qclass: string;
  flags: string;
  ecs: string | undefined;
}

interface PendingUpstream {
  arrivedMs: number;
  queryTimeMs: number | null;
  address: string;
  port: number;
  qname: string;
  qtype: string;
  node: string | null;
}

/** A pending query whose message parsed: its question and flags stand for the response's. */
const parsed = (p: PendingClient): p is PendingClient & { qname: string } => p.qname !== null;

/** The same client socket as the message's (what the numeric key stands for, exactly). */
const sameClient = (p: PendingClient, m: DnstapMessage): boolean =>
  p.address === m.queryAddress && p.port === m.queryPort && p.protocol === m.socketProtocol;

/** The exact key of a query kept aside after a collision of numeric keys (rare: a string). */
const exactKey = (m: DnstapMessage, id: number): string =>
  `${m.queryAddress}|${m.queryPort}|${id}|${m.socketProtocol}`;

export function transportOf(socketProtocol: number): QueryTransport {
  switch (socketProtocol) {
    case SocketProtocol.TCP:
    case SocketProtocol.DNSCRYPT_TCP:
      return 'tcp';
    case SocketProtocol.DOT:
      return 'dot';
    case SocketProtocol.DOH:
      return 'doh';
    default:
      // UDP, DNSCrypt over UDP, DoQ (not in BIND 9.18): datagram-like, shown as udp.
      return 'udp';
  }
}

function dnsId(buf: Buffer | null): number {
  return buf !== null && buf.length >= 2 ? buf.readUInt16BE(0) : -1;
}

const isUpstreamQuery = (t: number): boolean =>
  t === MessageType.FORWARDER_QUERY || t === MessageType.RESOLVER_QUERY;
const isUpstreamResponse = (t: number): boolean =>
  t === MessageType.FORWARDER_RESPONSE || t === MessageType.RESOLVER_RESPONSE;

export class QueryPairer {
  readonly counters: PairerCounters = {
    paired: 0,
    unpaired: 0,
    timedOut: 0,
    evicted: 0,
    malformed: 0,
    upstreamPaired: 0,
    upstreamTimedOut: 0,
    consumerErrors: 0,
  };
  /**
   * By clientKey (a number: no string built or hashed per frame). Insertion-ordered, so the
   * oldest entry is always first (eviction and sweep are cheap).
   */
  private readonly clients = new Map<number, PendingClient>();
  /** Queries of another client whose numeric key was taken, by exact key (see clientKey). */
  private readonly overflow = new Map<string, PendingClient>();
  private readonly upstreams = new Map<string, PendingUpstream>();
  private readonly timeoutMs: number;
  private readonly clientTimeoutMs: number;
  private readonly maxPending: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  /** The last `ts` made: named stamps in whole ms, so under load many responses share one. */
  private lastTsMs = Number.NaN;
  private lastTs = '';

  constructor(private readonly options: QueryPairerOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.clientTimeoutMs = options.clientTimeoutMs ?? options.timeoutMs ?? COMPLETE_WITHIN_MS;
    this.maxPending = options.maxPending ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Queries waiting for their response (client + upstream). */
  get pending(): number {
    return this.clients.size + this.overflow.size + this.upstreams.size;
  }

  /** Starts the periodic sweep. Idempotent. */
  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.sweep(), this.options.sweepMs ?? 1000);
    this.timer.unref();
  }

  /** Stops the sweep and forgets what is pending. Idempotent. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.clients.clear();
    this.overflow.clear();
    this.upstreams.clear();
  }

  push(m: DnstapMessage): void {
    const t = m.type;
    // A query to an authoritative zone is logged as AUTH_QUERY and answered as CLIENT_RESPONSE
    // (RD set) or AUTH_RESPONSE (RD clear): both sides of one client exchange, paired alike.
    if (t === MessageType.CLIENT_QUERY || t === MessageType.AUTH_QUERY) this.clientQuery(m);
    else if (t === MessageType.CLIENT_RESPONSE || t === MessageType.AUTH_RESPONSE) {
      this.clientResponse(m);
    } else if (isUpstreamQuery(t)) this.upstreamQuery(m);
    else if (isUpstreamResponse(t)) this.upstreamResponse(m);
  }

  /** Drops queries older than their timeout; upstream ones are reported as failures. */
  sweep(nowMs = this.now()): void {
    const clientLimit = nowMs - this.clientTimeoutMs;
    for (const [key, p] of this.clients) {
      if (p.arrivedMs > clientLimit) break;
      this.clients.delete(key);
      this.counters.timedOut++;
    }
    for (const [key, p] of this.overflow) {
      if (p.arrivedMs > clientLimit) break;
      this.overflow.delete(key);
      this.counters.timedOut++;
    }
    const limit = nowMs - this.timeoutMs;
    for (const [key, p] of this.upstreams) {
      if (p.arrivedMs > limit) break;
      this.upstreams.delete(key);
      this.counters.upstreamTimedOut++;
      // From a timer: a consumer that throws must not become an uncaught exception.
      try {
        this.emitUpstream(p, p.queryTimeMs ?? p.arrivedMs, null, null);
      } catch {
        this.counters.consumerErrors++;
      }
    }
  }

  /**
   * (client address, port, DNS id, transport) as one integer below 2^53: the top 18 bits of the
   * address hash, 16 of port, 16 of id, 3 of protocol (out-of-range ports and protocols fold).
   * No string is built or hashed per frame. The pending entry keeps the client exactly
   * (sameClient): a query whose number is held by another client waits in `overflow` under its
   * exact key, and a response joins only the query of its own client, so a collision costs a
   * string key, never a lost or wrong join.
   */
  private clientKey(m: DnstapMessage, id: number): number {
    const port = m.queryPort >= 0 && m.queryPort <= 0xffff ? m.queryPort : 0;
    return (m.queryAddressHash >>> 14) * 2 ** 35 + port * 2 ** 19 + id * 8 + (m.socketProtocol & 7);
  }

  private clientQuery(m: DnstapMessage): void {
    const id = dnsId(m.queryMessage);
    if (id < 0 || m.queryMessage === null) {
      this.counters.malformed++;
      return;
    }
    const ok = scanQuery(m.queryMessage, transportOf(m.socketProtocol) !== 'udp');
    if (!ok) this.counters.malformed++;
    const q = scannedQuery;
    const key = this.clientKey(m, id);
    const entry: PendingClient = {
      arrivedMs: this.now(),
      queryTimeMs: m.queryTimeMs,
      address: m.queryAddress,
      port: m.queryPort,
      protocol: m.socketProtocol,
      qname: ok ? q.qname : null,
      qtype: ok ? q.qtype : '',
      qclass: ok ? q.qclass : '',
      flags: ok ? q.flags : '',
      ecs: ok ? q.ecs : undefined,
    };
    const held = this.clients.get(key);
    // A retransmission (same client, same key) replaces the older entry, re-inserted at the end.
    if (held === undefined || sameClient(held, m)) {
      this.clients.delete(key);
      this.clients.set(key, entry);
    } else {
      const exact = exactKey(m, id);
      this.overflow.delete(exact);
      this.overflow.set(exact, entry);
    }
    if (this.clients.size + this.overflow.size > this.maxPending) {
      // The few set aside go first: then the oldest by arrival.
      const oldest = this.overflow.size > 0 ? this.overflow.keys().next() : null;
      if (oldest !== null && !oldest.done) this.overflow.delete(oldest.value);
      else {
        const first = this.clients.keys().next();
        if (!first.done) this.clients.delete(first.value);
      }
      this.counters.evicted++;
    }
  }

  private clientResponse(m: DnstapMessage): void {
    const response = m.responseMessage;
    const id = dnsId(response);
    // No client address (absent or of a bad length) is no query we can show or store.
    if (response === null || id < 0 || m.queryAddress === null || m.responseAddress === null) {
      this.counters.malformed++;
      return;
    }
    const key = this.clientKey(m, id);
    let pending = this.clients.get(key);
    if (pending !== undefined && sameClient(pending, m)) this.clients.delete(key);
    else {
      // Another client's query under the same number, or none: ours may wait aside.
      pending = undefined;
      if (this.overflow.size > 0) {
        const exact = exactKey(m, id);
        pending = this.overflow.get(exact);
        if (pending !== undefined) this.overflow.delete(exact);
      }
    }
    const transport = transportOf(m.socketProtocol);
    const query = pending !== undefined && parsed(pending) ? pending : null;
    if (!scanResponse(response, query, transport !== 'udp', this.options.rpzZones())) {
      this.counters.malformed++;
      return;
    }
    const summary = scannedResponse;
    const tsMs = plausibleTime(m.responseTimeMs, this.now());
    const queryTimeMs = pending?.queryTimeMs ?? m.queryTimeMs;
    if (pending !== undefined) this.counters.paired++;
    else this.counters.unpaired++;
    if (tsMs !== this.lastTsMs) {
      this.lastTsMs = tsMs;
      this.lastTs = new Date(tsMs).toISOString();
    }
    const facts: QueryFacts = {
      ts: this.lastTs,
      tsMs,
      clientIp: m.queryAddress,
      clientPort: m.queryPort >= 0 && m.queryPort <= 65535 ? m.queryPort : 0,
      transport,
      qname: summary.qname,
      qtype: summary.qtype,
      qclass: summary.qclass,
      rcode: summary.rcode,
      flags: summary.flags,
      responseFlags: summary.responseFlags,
      answerCount: summary.answerCount,
      answer: summary.answer,
      responseSize: summary.responseSize,
      latencyMs: latencyOf(queryTimeMs, m.responseTimeMs),
      blocked: summary.blocked,
      rpzAction: summary.rpzAction,
      node: m.identity,
      server: m.responseAddress,
      source: 'dnstap',
    };
    // Set afterwards, not spread into the literal: a trailing spread copies the whole object.
    if (summary.ecs !== undefined) facts.ecs = summary.ecs;
    this.options.onQuery(facts);
  }

  /** named is the initiator: response_* is the upstream, query_port our source port. */
  private upstreamKey(m: DnstapMessage, id: number): string {
    return `${m.responseAddress}|${m.responsePort}|${m.queryPort}|${id}`;
  }

  private upstreamQuery(m: DnstapMessage): void {
    if (this.options.onUpstream === undefined) return;
    const id = dnsId(m.queryMessage);
    const info = m.queryMessage !== null ? readQuery(m.queryMessage, false) : null;
    if (id < 0 || info === null || m.responseAddress === null) {
      this.counters.malformed++;
      return;
    }
    const key = this.upstreamKey(m, id);
    this.upstreams.delete(key);
    this.upstreams.set(key, {
      arrivedMs: this.now(),
      queryTimeMs: m.queryTimeMs,
      address: m.responseAddress,
      port: m.responsePort >= 0 ? m.responsePort : 0,
      qname: info.qname,
      qtype: info.qtype,
      node: m.identity,
    });
    if (this.upstreams.size > this.maxPending) {
      const oldest = this.upstreams.keys().next();
      if (!oldest.done) this.upstreams.delete(oldest.value);
      this.counters.evicted++;
    }
  }

  private upstreamResponse(m: DnstapMessage): void {
    if (this.options.onUpstream === undefined) return;
    const response = m.responseMessage;
    const id = dnsId(response);
    const rcode = response !== null ? headerRcode(response) : null;
    if (id < 0 || rcode === null || m.responseAddress === null) {
      this.counters.malformed++;
      return;
    }
    const key = this.upstreamKey(m, id);
    const pending = this.upstreams.get(key);
    let base: PendingUpstream;
    if (pending !== undefined) {
      this.upstreams.delete(key);
      this.counters.upstreamPaired++;
      base = pending;
    } else {
      const info = response !== null ? readQuery(response, false) : null;
      if (info === null) {
        this.counters.malformed++;
        return;
      }
      base = {
        arrivedMs: this.now(),
        queryTimeMs: m.queryTimeMs,
        address: m.responseAddress,
        port: m.responsePort >= 0 ? m.responsePort : 0,
        qname: info.qname,
        qtype: info.qtype,
        node: m.identity,
      };
    }
    // The response's own query time when BIND sets it, else the paired query's.
    const queryTimeMs = m.queryTimeMs ?? base.queryTimeMs;
    const tsMs = plausibleTime(m.responseTimeMs, this.now());
    const latency =
      queryTimeMs !== null && m.responseTimeMs !== null
        ? Math.max(0, m.responseTimeMs - queryTimeMs)
        : null;
    this.emitUpstream(base, tsMs, rcode, latency);
  }

  private emitUpstream(
    p: PendingUpstream,
    tsMs: number,
    rcode: string | null,
    latencyMs: number | null,
  ): void {
    this.options.onUpstream?.({
      tsMs,
      address: p.address,
      port: p.port,
      qname: p.qname,
      qtype: p.qtype,
      rcode,
      latencyMs,
      node: p.node,
    });
  }
}

/**
 * named's response time when it is within an hour of our clock (same machine, or a fleet with
 * synchronised clocks); anything else is a broken or forged frame: our clock instead.
 */
function plausibleTime(ms: number | null, now: number): number {
  return ms !== null && Number.isFinite(ms) && Math.abs(ms - now) <= 3_600_000 ? ms : now;
}

/** Response minus query time; null when either is missing or the difference is absurd (> 1 h). */
function latencyOf(queryMs: number | null, responseMs: number | null): number | null {
  if (queryMs === null || responseMs === null) return null;
  const d = responseMs - queryMs;
  return Number.isFinite(d) && d <= 3_600_000 ? Math.max(0, d) : null;
}
