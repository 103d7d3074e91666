import type { EventDataOf } from '@hdns/protocol';
import { parseBindTime } from './bind-log-prefix.js';

/**
 * Zone transfers in named's default log (categories xfer-out, xfer-in, security, general), as
 * BIND 9.18 writes them with print-time / print-category / print-severity (the fixtures in
 * xfer-log-parser.test.ts are real lines). One `zone_transfer` per transfer:
 *
 * Out (we serve a secondary), one line each:
 *   client @0x… 127.0.0.1#43065/key xfr-key (one.test): transfer of 'one.test/IN': AXFR ended: 1 messages, … (serial 1)
 *     (also `IXFR ended`, and `AXFR-style IXFR ended`: an IXFR answered with the whole zone → AXFR);
 *   client @0x… 127.0.0.1#40293 (closed.test): zone transfer 'closed.test/AXFR/IN' denied
 *   client @0x… 127.0.0.1#46195 (absent.test): bad zone transfer request: 'absent.test/IN': non-authoritative zone (NOTAUTH)
 *   other `transfer of '…': …` lines at error or warning level (a transfer cut short).
 *   `… started` and `IXFR version not in journal, falling back to AXFR` are steps, not events.
 * In (we pull a secondary zone): several lines per transfer, gathered per zone (BIND runs one
 * transfer per zone at a time) and reported at the last one, `Transfer completed`, which BIND
 * writes for failures too (`0 messages … (serial 0)`): `Transfer status: success|REFUSED|…` says
 * which, `connected using … TSIG key` names the key, `zone Z/IN: transferred serial N` the serial,
 * `failed while receiving responses: REFUSED` the reason.
 * A refresh that fails before any transfer (`zone Z/IN: refresh: failure trying primary P …: tsig
 * indicates error`, `unexpected rcode (REFUSED) from primary P`) is an `in` failure of its own.
 *
 * Not reported: `request has invalid signature: TSIG k: tsig verify failure (BADSIG)` on the
 * primary side names no zone (the secondary's `refresh: … tsig indicates error` reports it).
 * Parsed with indexOf/slices and anchored patterns on bounded lines: no backtracking blow-up.
 */

export type ZoneTransfer = EventDataOf<'zone_transfer'> & {
  /** The line's time (ISO), null without print-time. */
  ts: string | null;
};

type Kind = ZoneTransfer['kind'];

interface Header {
  ts: string | null;
  category: string | null;
  severity: string | null;
  body: string;
}

const HEADER = /^([a-z][a-z0-9_-]{0,31}): (info|notice|warning|error|critical|debug \d+): /;

function parseHeader(line: string): Header {
  const epoch = parseBindTime(line);
  let rest = line;
  let ts: string | null = null;
  if (epoch >= 0) {
    ts = new Date(epoch).toISOString();
    rest = line.slice(25);
  }
  const m = HEADER.exec(rest);
  if (!m) return { ts, category: null, severity: null, body: rest };
  return { ts, category: m[1]!, severity: m[2]!, body: rest.slice(m[0].length) };
}

/** `one.test/IN`, `one.test/AXFR/IN`, `z/IN/view` → zone name (`/` may occur inside a name). */
export function zoneOfQualified(text: string): string | null {
  const m = /^(.+?)(?:\/(?:AXFR|IXFR))?\/(?:IN|CH|HS)(?:\/[^/]+)?$/.exec(text);
  const zone = m?.[1]?.toLowerCase() ?? null;
  return zone === null || zone.length > 255 ? null : zone;
}

/** `127.0.0.1#43065` → itself when it looks like an address with a port. */
function peerOf(text: string): string | null {
  const hash = text.lastIndexOf('#');
  if (hash <= 0 || text.length > 64) return null;
  const port = text.slice(hash + 1);
  if (!/^\d{1,5}$/.test(port)) return null;
  if (!/^[0-9a-fA-F:.%a-z]+$/.test(text.slice(0, hash))) return null;
  return text;
}

/**
 * Out: `client @0x… PEER[/key KEY] (QNAME): MSG` → peer, key, MSG. The address token is
 * `127.0.0.1#43065/key` when a key signed the request, and the key name follows after a space.
 */
function clientPart(body: string): { peer: string; key?: string; rest: string } | null {
  if (!body.startsWith('client ')) return null;
  let p = 7;
  if (body.charCodeAt(p) === 64 /* @ */) p = body.indexOf(' ', p) + 1;
  if (p <= 0) return null;
  let end = body.indexOf(' ', p);
  if (end < 0) return null;
  let peerText = body.slice(p, end);
  let key: string | undefined;
  if (peerText.endsWith('/key')) {
    peerText = peerText.slice(0, -4);
    const keyEnd = body.indexOf(' ', end + 1);
    if (keyEnd < 0) return null;
    key = body.slice(end + 1, keyEnd);
    end = keyEnd;
  }
  const peer = peerOf(peerText);
  if (peer === null) return null;
  // ` (qname): ` — names are printed escaped, so `): ` cannot occur inside one.
  let rest = body.slice(end + 1);
  if (rest.startsWith('(')) {
    const close = rest.indexOf('): ');
    if (close < 0) return null;
    rest = rest.slice(close + 3);
  }
  return { peer, ...(key !== undefined ? { key } : {}), rest };
}

const ENDED = /^(AXFR-style IXFR|AXFR|IXFR) ended: (.*?)(?: \(serial (\d{1,10})\))?$/;
const STARTED = /^(AXFR-style IXFR|AXFR|IXFR) started\b/;
const SERIAL = /\(serial (\d{1,10})\)$/;

function serialOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n <= 4_294_967_295 ? n : undefined;
}

function parseOut(h: Header): ZoneTransfer | null {
  const c = clientPart(h.body);
  if (!c) return null;
  const base = {
    direction: 'out' as const,
    peer: c.peer,
    ts: h.ts,
    ...(c.key ? { key: c.key } : {}),
  };
  const { rest } = c;
  if (rest.startsWith("transfer of '")) {
    const q = rest.indexOf("': ", 13);
    if (q < 0) return null;
    const zone = zoneOfQualified(rest.slice(13, q));
    const msg = rest.slice(q + 3);
    if (zone === null) return null;
    const ended = ENDED.exec(msg);
    if (ended) {
      const kind: Kind = ended[1] === 'IXFR' ? 'IXFR' : 'AXFR';
      const serial = serialOf(ended[3]);
      return {
        ...base,
        zone,
        kind,
        success: true,
        ...(serial !== undefined ? { serial } : {}),
        message: msg.slice(0, 2000),
      };
    }
    if (STARTED.test(msg) || msg.includes('falling back to AXFR')) return null;
    if (h.severity !== 'error' && h.severity !== 'warning') return null;
    return { ...base, zone, kind: 'unknown', success: false, message: msg.slice(0, 2000) };
  }
  if (rest.startsWith("zone transfer '") && rest.endsWith("' denied")) {
    const qualified = rest.slice(15, -8);
    const zone = zoneOfQualified(qualified);
    if (zone === null) return null;
    const kind: Kind = qualified.includes('/IXFR/')
      ? 'IXFR'
      : qualified.includes('/AXFR/')
        ? 'AXFR'
        : 'unknown';
    return { ...base, zone, kind, success: false, message: 'zone transfer denied' };
  }
  if (rest.startsWith("bad zone transfer request: '")) {
    const q = rest.indexOf("': ", 28);
    if (q < 0) return null;
    const zone = zoneOfQualified(rest.slice(28, q));
    if (zone === null) return null;
    return {
      ...base,
      zone,
      kind: 'unknown',
      success: false,
      message: `bad zone transfer request: ${rest.slice(q + 3)}`.slice(0, 2000),
    };
  }
  return null;
}

/** One xfer-in line, before gathering. */
type InStep =
  | { step: 'connected'; zone: string; peer: string; key?: string }
  | { step: 'failed'; zone: string; peer: string; message: string }
  | { step: 'status'; zone: string; peer: string; status: string }
  | { step: 'completed'; zone: string; peer: string; stats: string; serial?: number }
  | { step: 'serial'; zone: string; serial: number; key?: string }
  | { step: 'refresh_failed'; zone: string; peer: string; message: string };

function parseIn(body: string): InStep | null {
  if (body.startsWith("transfer of '")) {
    const q = body.indexOf("' from ", 13);
    if (q < 0) return null;
    const zone = zoneOfQualified(body.slice(13, q));
    const colon = body.indexOf(': ', q + 7);
    if (zone === null || colon < 0) return null;
    const peer = peerOf(body.slice(q + 7, colon));
    if (peer === null) return null;
    const msg = body.slice(colon + 2);
    if (msg.startsWith('connected using ')) {
      const tsig = msg.indexOf(' TSIG ');
      return tsig < 0
        ? { step: 'connected', zone, peer }
        : { step: 'connected', zone, peer, key: msg.slice(tsig + 6) };
    }
    if (msg.startsWith('Transfer status: ')) {
      return { step: 'status', zone, peer, status: msg.slice(17) };
    }
    if (msg.startsWith('Transfer completed: ')) {
      const stats = msg.slice(20);
      const serial = serialOf(SERIAL.exec(stats)?.[1]);
      return { step: 'completed', zone, peer, stats, ...(serial !== undefined ? { serial } : {}) };
    }
    if (msg.startsWith('failed ')) return { step: 'failed', zone, peer, message: msg };
    return null;
  }
  if (body.startsWith('zone ')) {
    const colon = body.indexOf(': ', 5);
    if (colon < 0) return null;
    const zone = zoneOfQualified(body.slice(5, colon));
    if (zone === null) return null;
    const msg = body.slice(colon + 2);
    const transferred = /^transferred serial (\d{1,10})(?:: TSIG '([^']{1,255})')?$/.exec(msg);
    if (transferred) {
      const serial = serialOf(transferred[1]);
      if (serial === undefined) return null;
      return { step: 'serial', zone, serial, ...(transferred[2] ? { key: transferred[2] } : {}) };
    }
    return parseRefreshFailure(zone, msg);
  }
  return null;
}

/**
 * `refresh: failure trying primary P (source S): REASON`,
 * `refresh: unexpected rcode (RCODE) from primary P (source S)`,
 * `refresh: retry limit for primary P exceeded (source S)`.
 */
function parseRefreshFailure(zone: string, msg: string): InStep | null {
  if (!msg.startsWith('refresh: ')) return null;
  let m = /^refresh: failure trying primary (\S+) \(source \S+\): (.{1,500})$/.exec(msg);
  if (m) return refreshStep(zone, m[1]!, `refresh failed: ${m[2]!}`);
  m = /^refresh: unexpected rcode \(([A-Z0-9]{1,16})\) from primary (\S+) \(source \S+\)$/.exec(
    msg,
  );
  if (m) return refreshStep(zone, m[2]!, `refresh failed: unexpected rcode ${m[1]!}`);
  m = /^refresh: retry limit for primary (\S+) exceeded/.exec(msg);
  if (m) return refreshStep(zone, m[1]!, 'refresh failed: retry limit exceeded (no answer)');
  return null;
}

function refreshStep(zone: string, peerText: string, message: string): InStep | null {
  const peer = peerOf(peerText);
  return peer === null ? null : { step: 'refresh_failed', zone, peer, message };
}

interface Pending {
  peer: string;
  key?: string;
  serial?: number;
  status?: string;
  failure?: string;
}

/** At most this many xfer-in transfers gathered at once (BIND's default quota is 10). */
const MAX_PENDING = 256;

/**
 * Feed it named.log lines in order; it returns a transfer when a line completes one. Keeps the
 * steps of incoming transfers between lines (bounded).
 */
export class XferLogParser {
  private readonly pending = new Map<string, Pending>();

  push(line: string): ZoneTransfer | null {
    const h = parseHeader(line);
    if (h.category === 'queries' || h.category === 'rpz') return null;
    if (h.body.startsWith('client ')) return parseOut(h);
    const step = parseIn(h.body);
    return step ? this.gather(step, h.ts) : null;
  }

  private gather(step: InStep, ts: string | null): ZoneTransfer | null {
    const key = step.zone;
    if (step.step === 'refresh_failed') {
      return {
        zone: step.zone,
        direction: 'in',
        peer: step.peer,
        kind: 'unknown',
        success: false,
        message: step.message,
        ts,
      };
    }
    if (step.step === 'connected') {
      this.pending.delete(key); // a new attempt (after `resetting`) starts over
      if (this.pending.size >= MAX_PENDING) {
        const oldest = this.pending.keys().next().value;
        if (oldest !== undefined) this.pending.delete(oldest);
      }
      this.pending.set(key, { peer: step.peer, ...(step.key ? { key: step.key } : {}) });
      return null;
    }
    const p = this.pending.get(key);
    if (step.step === 'serial') {
      if (p) {
        p.serial = step.serial;
        if (step.key && !p.key) p.key = step.key;
      }
      return null;
    }
    if (step.step === 'failed') {
      if (p) p.failure ??= step.message;
      return null;
    }
    if (step.step === 'status') {
      if (p) p.status = step.status;
      return null;
    }
    // completed
    this.pending.delete(key);
    const success = p?.status !== undefined ? p.status === 'success' : p?.serial !== undefined;
    const serial = success ? (p?.serial ?? step.serial) : undefined;
    const message = success
      ? step.stats
      : (p?.failure ?? (p?.status ? `Transfer status: ${p.status}` : 'transfer failed'));
    return {
      zone: step.zone,
      direction: 'in',
      peer: step.peer,
      kind: 'unknown',
      success,
      ...(serial !== undefined ? { serial } : {}),
      ...(p?.key ? { key: p.key } : {}),
      message: message.slice(0, 2000),
      ts,
    };
  }
}
