/**
 * Parses `rndc dnssec -status ZONE` (BIND 9.18): the policy, then one block per key:
 *
 *   key: 12720 (ECDSAP256SHA256), KSK
 *     published:      yes - since Sun Dec  6 05:02:48 2026
 *     key signing:    yes - since Sun Dec  6 05:02:48 2026
 *
 *     No rollover scheduled            (or: Next rollover scheduled on <time>, Key is retired …)
 *     - goal:           omnipresent
 *     - dnskey:         rumoured
 *     - ds:             hidden
 *     - key rrsig:      rumoured
 *
 * Tolerant like rndc-parsers.ts: lines it does not know end up in `notes`, a missing line gives
 * null/false. Times are named's local time (ctime format) on this host, returned as ISO 8601
 * when they parse, else verbatim.
 */

import type { DnssecKey } from '@hdns/protocol/rest';

export interface DnssecStatus {
  /** null when the zone has no dnssec-policy (`Zone does not have dnssec-policy`). */
  policy: string | null;
  keys: DnssecKey[];
}

const KEY_LINE = /^key:\s+(\d+)\s+\(([^)]+)\),\s*(KSK|ZSK|CSK)\b/i;
const FLAG_LINE = /^(published|key signing|zone signing):\s+(yes|no)(?:\s+-\s+since\s+(.+))?$/i;
const STATE_LINE = /^-\s+([a-z ]+?):\s+(\S+)$/i;
const NEXT_ROLLOVER = /^Next rollover scheduled on (.+)$/i;
/** Lines naming when a key goes: "Key will retire on …", "Key is retired, will be removed on …". */
const RETIRE_AT = /\b(?:retire|removed)\b.*\bon\s+(.+?)\.?$/i;

const ALGORITHM_NUMBERS: Record<string, number> = {
  RSASHA1: 5,
  NSEC3RSASHA1: 7,
  RSASHA256: 8,
  RSASHA512: 10,
  ECDSAP256SHA256: 13,
  ECDSAP384SHA384: 14,
  ED25519: 15,
  ED448: 16,
};

/** ctime-style local time → ISO 8601; anything else verbatim. */
export function bindTime(text: string): string {
  const t = text.trim();
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

function newKey(m: RegExpExecArray): DnssecKey {
  const algorithm = m[2]!.trim();
  return {
    tag: Number(m[1]),
    algorithm,
    algorithmNumber: ALGORITHM_NUMBERS[algorithm.toUpperCase()] ?? null,
    role: m[3]!.toLowerCase() as DnssecKey['role'],
    published: false,
    publishedSince: null,
    keySigning: false,
    zoneSigning: false,
    activeSince: null,
    retired: false,
    retireAt: null,
    nextRollover: null,
    rollover: '',
    states: {},
  };
}

function applyLine(key: DnssecKey, line: string): void {
  const flag = FLAG_LINE.exec(line);
  if (flag) {
    const on = flag[2]!.toLowerCase() === 'yes';
    const since = flag[3] ? bindTime(flag[3]) : null;
    const what = flag[1]!.toLowerCase();
    if (what === 'published') {
      key.published = on;
      key.publishedSince = since;
    } else {
      if (what === 'key signing') key.keySigning = on;
      else key.zoneSigning = on;
      if (on && since !== null && (key.activeSince === null || since < key.activeSince))
        key.activeSince = since;
    }
    return;
  }
  const state = STATE_LINE.exec(line);
  if (state) {
    key.states[state[1]!.trim().toLowerCase()] = state[2]!;
    return;
  }
  const next = NEXT_ROLLOVER.exec(line);
  if (next) key.nextRollover = bindTime(next[1]!);
  if (/retired|removed from the zone/i.test(line)) key.retired = true;
  const retire = RETIRE_AT.exec(line);
  if (retire) key.retireAt = bindTime(retire[1]!);
  key.rollover = key.rollover ? `${key.rollover} ${line}` : line;
}

export function parseDnssecStatus(text: string): DnssecStatus {
  let policy: string | null = null;
  const keys: DnssecKey[] = [];
  let current: DnssecKey | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const p = /^dnssec-policy:\s+(.+)$/.exec(line);
    if (p) {
      policy = p[1]!.trim();
      continue;
    }
    const k = KEY_LINE.exec(line);
    if (k) {
      current = newKey(k);
      keys.push(current);
      continue;
    }
    if (current) applyLine(current, line);
  }
  return { policy, keys };
}
