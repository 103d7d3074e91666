import type { EventDataOf } from '@hdns/protocol';

/**
 * Realistic events for the compression bench, the same on every run (seeded): what a backlog
 * holds after a day of zone edits, or a minute of query logging. Compression ratios depend on
 * content, so the content is not padding: keys are random base64 (as real DKIM keys are), names
 * and addresses vary.
 */

export type ReplayKind = 'record_updated' | 'dns_query_log';

/** xorshift32: deterministic, so every variant replays byte-identical logs. */
function rng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += B64[Math.floor(rand() * 64)] ?? 'A';
  return s;
}

/**
 * A DKIM TXT record updated (~1.3 KB as a batched event): half the updates change the TTL only
 * (before and after share the key), half rotate the key (two different keys).
 */
export function recordUpdated(i: number, rand: () => number): EventDataOf<'record_updated'> {
  const key = `v=DKIM1; k=rsa; p=${base64(rand, 392)}`;
  const before = {
    id: `rec_${(i * 7919).toString(36)}`,
    name: `s${i % 50}._domainkey.mail${i % 7}`,
    type: 'TXT',
    ttl: 3600,
    value: key,
    version: i + 1,
  };
  const after =
    i % 2 === 0
      ? { ...before, ttl: 300, version: i + 2 }
      : { ...before, value: `v=DKIM1; k=rsa; p=${base64(rand, 392)}`, version: i + 2 };
  return {
    zone: `zone${i % 20}.example.com`,
    recordId: before.id,
    before,
    after,
    serial: 2025011500 + i,
  };
}

const QNAMES = ['www.example.com', 'api.example.com', 'mail.google.com', 'cdn.jsdelivr.net'];
const QTYPES = ['A', 'AAAA', 'HTTPS', 'MX'];

/**
 * One query as dnstap reports it (~550 bytes as a batched event); one in five a random ad name,
 * blocked.
 */
export function queryLogged(i: number, rand: () => number): EventDataOf<'dns_query_log'> {
  const blocked = i % 5 === 4;
  const a = `192.0.2.${Math.floor(rand() * 250) + 1}`;
  return {
    clientIp: `10.0.${i % 7}.${Math.floor(rand() * 250) + 1}`,
    clientPort: 1024 + Math.floor(rand() * 60_000),
    qname: blocked
      ? `x${base64(rand, 8)
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '0')}.ads.example.org`
      : (QNAMES[i % 4] ?? 'www.example.com'),
    qtype: QTYPES[Math.floor(rand() * 4)] ?? 'A',
    qclass: 'IN',
    flags: '+E(0)K',
    server: '10.0.0.1',
    view: 'internal',
    blocked,
    rcode: blocked ? 'NXDOMAIN' : 'NOERROR',
    responseFlags: 'qr rd ra',
    transport: 'udp',
    answerCount: blocked ? 0 : 1,
    ...(blocked ? { rpzAction: 'NXDOMAIN' } : { answer: `A ${a}` }),
    responseSize: 60 + Math.floor(rand() * 400),
    latencyMs: Math.floor(rand() * 40),
    node: 'ns1',
    source: 'dnstap',
    ts: new Date(Date.UTC(2025, 0, 15, 10, 30) + i * 10).toISOString(),
  };
}

/** The `count` events of `kind`, in order; the same list on every call. */
export function replayEvents<K extends ReplayKind>(kind: K, count: number): EventDataOf<K>[] {
  const rand = rng(kind === 'record_updated' ? 0x5eed : 0xd15c);
  const make = kind === 'record_updated' ? recordUpdated : queryLogged;
  return Array.from({ length: count }, (_, i) => make(i, rand) as EventDataOf<K>);
}
