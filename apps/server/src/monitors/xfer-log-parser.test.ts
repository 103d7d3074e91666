import { describe, expect, it } from 'vitest';
import { eventSpec } from '@hdns/protocol';
import { XferLogParser, zoneOfQualified, type ZoneTransfer } from './xfer-log-parser.js';

/**
 * Real BIND 9.18.49 lines (print-time, print-category, print-severity, category default to a
 * file), captured from a primary and two secondaries on loopback ports on 2026-12-06.
 */
const PRIMARY = `06-Dec-2026 18:23:58.860 security: error: client @0x7f4202500098 127.0.0.1#56290: request has invalid signature: TSIG xfr-key: tsig verify failure (BADSIG)
06-Dec-2026 18:23:58.872 xfer-out: info: client @0x7f4202503898 127.0.0.1#43065/key xfr-key (one.test): transfer of 'one.test/IN': AXFR started: TSIG xfr-key (serial 1)
06-Dec-2026 18:23:58.872 xfer-out: info: client @0x7f4202503898 127.0.0.1#43065/key xfr-key (one.test): transfer of 'one.test/IN': AXFR ended: 1 messages, 5 records, 246 bytes, 0.001 secs (246000 bytes/sec) (serial 1)
06-Dec-2026 18:23:59.368 security: error: client @0x7f4204072498 127.0.0.1#40293 (closed.test): zone transfer 'closed.test/AXFR/IN' denied
06-Dec-2026 18:23:59.368 xfer-out: info: client @0x7f4202501c98 127.0.0.1#46195 (absent.test): bad zone transfer request: 'absent.test/IN': non-authoritative zone (NOTAUTH)
06-Dec-2026 18:24:12.000 xfer-out: info: client @0x7f4202503898 127.0.0.1#32941/key xfr-key (one.test): transfer of 'one.test/IN': IXFR ended: 1 messages, 5 records, 289 bytes, 0.001 secs (289000 bytes/sec) (serial 2)
06-Dec-2026 18:24:12.500 xfer-out: info: client @0x7f4204070898 127.0.0.1#42775/key xfr-key (two.test): transfer of 'two.test/IN': IXFR version not in journal, falling back to AXFR
06-Dec-2026 18:24:12.500 xfer-out: info: client @0x7f4204070898 127.0.0.1#42775/key xfr-key (two.test): transfer of 'two.test/IN': AXFR-style IXFR started: TSIG xfr-key (serial 2)
06-Dec-2026 18:24:12.500 xfer-out: info: client @0x7f4204070898 127.0.0.1#42775/key xfr-key (two.test): transfer of 'two.test/IN': AXFR-style IXFR ended: 1 messages, 6 records, 267 bytes, 0.001 secs (267000 bytes/sec) (serial 2)
06-Dec-2026 18:24:30.744 xfer-out: info: client @0x7f4202503898 127.0.0.1#42671/key xfr-key (one.test): transfer of 'one.test/IN': IXFR started: TSIG xfr-key (serial 1 -> 2)
06-Dec-2026 18:24:30.852 xfer-out: info: client @0x7f4204072498 127.0.0.1#32933 (one.test): transfer of 'one.test/IN': AXFR started (serial 2)
06-Dec-2026 18:24:30.852 xfer-out: info: client @0x7f4204072498 127.0.0.1#32933 (one.test): transfer of 'one.test/IN': AXFR ended: 1 messages, 6 records, 226 bytes, 0.001 secs (226000 bytes/sec) (serial 2)
06-Dec-2026 18:24:42.008 security: error: client @0x7f420409b098 127.0.0.1#38887/key xfr-key (closed.test): zone transfer 'closed.test/AXFR/IN' denied`;

const SECONDARY = `06-Dec-2026 18:23:58.868 notify: info: client @0x7f0a9dcf8098 127.0.0.1#49506/key xfr-key: received notify for zone 'closed.test': TSIG 'xfr-key'
06-Dec-2026 18:23:58.868 xfer-in: info: zone one.test/IN: Transfer started.
06-Dec-2026 18:23:58.868 xfer-in: info: transfer of 'one.test/IN' from 127.0.0.1#35410: connected using 127.0.0.1#35410 TSIG xfr-key
06-Dec-2026 18:23:58.872 xfer-in: info: zone one.test/IN: transferred serial 1: TSIG 'xfr-key'
06-Dec-2026 18:23:58.872 xfer-in: info: transfer of 'one.test/IN' from 127.0.0.1#35410: Transfer status: success
06-Dec-2026 18:23:58.872 xfer-in: info: transfer of 'one.test/IN' from 127.0.0.1#35410: Transfer completed: 1 messages, 5 records, 246 bytes, 0.004 secs (61500 bytes/sec) (serial 1)
06-Dec-2026 18:23:59.368 xfer-in: info: zone closed.test/IN: Transfer started.
06-Dec-2026 18:23:59.368 xfer-in: info: zone absent.test/IN: zone transfer deferred due to quota
06-Dec-2026 18:23:59.368 xfer-in: info: transfer of 'closed.test/IN' from 127.0.0.1#35410: connected using 127.0.0.1#35410
06-Dec-2026 18:23:59.368 xfer-in: info: zone absent.test/IN: Transfer started.
06-Dec-2026 18:23:59.368 xfer-in: info: transfer of 'absent.test/IN' from 127.0.0.1#35410: connected using 127.0.0.1#35410
06-Dec-2026 18:23:59.368 xfer-in: error: transfer of 'closed.test/IN' from 127.0.0.1#35410: failed while receiving responses: REFUSED
06-Dec-2026 18:23:59.368 xfer-in: info: transfer of 'closed.test/IN' from 127.0.0.1#35410: Transfer status: REFUSED
06-Dec-2026 18:23:59.368 xfer-in: info: transfer of 'closed.test/IN' from 127.0.0.1#35410: Transfer completed: 0 messages, 0 records, 0 bytes, 0.001 secs (0 bytes/sec) (serial 0)
06-Dec-2026 18:23:59.368 xfer-in: error: transfer of 'absent.test/IN' from 127.0.0.1#35410: failed while receiving responses: NOTAUTH
06-Dec-2026 18:23:59.368 xfer-in: info: transfer of 'absent.test/IN' from 127.0.0.1#35410: Transfer status: NOTAUTH
06-Dec-2026 18:23:59.368 xfer-in: info: transfer of 'absent.test/IN' from 127.0.0.1#35410: Transfer completed: 0 messages, 0 records, 0 bytes, 0.001 secs (0 bytes/sec) (serial 0)
06-Dec-2026 18:24:32.784 general: info: zone two.test/IN: refresh: unexpected rcode (REFUSED) from primary 127.0.0.1#35410 (source 0.0.0.0#0)
06-Dec-2026 18:24:43.496 general: info: zone one.test/IN: refresh: failure trying primary 127.0.0.1#35410 (source 0.0.0.0#0): connection refused`;

/** The secondary whose key secret differs from the primary's. */
const BAD_KEY = `06-Dec-2026 18:23:58.860 general: info: zone one.test/IN: refresh: failure trying primary 127.0.0.1#35410 (source 0.0.0.0#0): tsig indicates error
06-Dec-2026 18:23:59.360 notify: info: client @0x7fa000652098 127.0.0.1#44337: received notify for zone 'one.test'
06-Dec-2026 18:23:59.360 general: info: zone one.test/IN: notify from 127.0.0.1#44337: refresh in progress, refresh check queued`;

function parseAll(text: string): ZoneTransfer[] {
  const parser = new XferLogParser();
  const out: ZoneTransfer[] = [];
  for (const line of text.split('\n')) {
    const t = parser.push(line);
    if (t) out.push(t);
  }
  // Every one is a valid zone_transfer payload.
  for (const { ts: _ts, ...data } of out) eventSpec('zone_transfer').schema.parse(data);
  return out;
}

describe('XferLogParser: outgoing transfers (our named as primary)', () => {
  const out = parseAll(PRIMARY);

  it('reports each finished transfer once, with kind, serial, key and peer', () => {
    const ok = out.filter((t) => t.success);
    expect(ok.map((t) => [t.zone, t.kind, t.serial, t.key, t.peer])).toEqual([
      ['one.test', 'AXFR', 1, 'xfr-key', '127.0.0.1#43065'],
      ['one.test', 'IXFR', 2, 'xfr-key', '127.0.0.1#32941'],
      ['two.test', 'AXFR', 2, 'xfr-key', '127.0.0.1#42775'],
      ['one.test', 'AXFR', 2, undefined, '127.0.0.1#32933'],
    ]);
    expect(ok.every((t) => t.direction === 'out')).toBe(true);
    expect(ok[0]!.message).toBe(
      'AXFR ended: 1 messages, 5 records, 246 bytes, 0.001 secs (246000 bytes/sec) (serial 1)',
    );
    expect(ok[2]!.message).toMatch(/^AXFR-style IXFR ended/);
    expect(ok[0]!.ts).toBe(new Date(2026, 11, 6, 18, 23, 58, 872).toISOString());
  });

  it('reports denied and bad requests as failures, skips the BADSIG line that names no zone', () => {
    const failed = out.filter((t) => !t.success);
    expect(failed.map((t) => [t.zone, t.kind, t.peer, t.key, t.message])).toEqual([
      ['closed.test', 'AXFR', '127.0.0.1#40293', undefined, 'zone transfer denied'],
      [
        'absent.test',
        'unknown',
        '127.0.0.1#46195',
        undefined,
        'bad zone transfer request: non-authoritative zone (NOTAUTH)',
      ],
      ['closed.test', 'AXFR', '127.0.0.1#38887', 'xfr-key', 'zone transfer denied'],
    ]);
    expect(failed.every((t) => t.serial === undefined)).toBe(true);
  });
});

describe('XferLogParser: incoming transfers (our named as secondary)', () => {
  it('gathers a transfer and reports it at Transfer completed, success only with status success', () => {
    const got = parseAll(SECONDARY);
    expect(got.map((t) => [t.zone, t.direction, t.success, t.serial, t.key, t.peer])).toEqual([
      ['one.test', 'in', true, 1, 'xfr-key', '127.0.0.1#35410'],
      ['closed.test', 'in', false, undefined, undefined, '127.0.0.1#35410'],
      ['absent.test', 'in', false, undefined, undefined, '127.0.0.1#35410'],
      ['two.test', 'in', false, undefined, undefined, '127.0.0.1#35410'],
      ['one.test', 'in', false, undefined, undefined, '127.0.0.1#35410'],
    ]);
    expect(got.map((t) => t.message)).toEqual([
      '1 messages, 5 records, 246 bytes, 0.004 secs (61500 bytes/sec) (serial 1)',
      'failed while receiving responses: REFUSED',
      'failed while receiving responses: NOTAUTH',
      'refresh failed: unexpected rcode REFUSED',
      'refresh failed: connection refused',
    ]);
  });

  it('reports a bad TSIG secret (the refresh fails before any transfer)', () => {
    expect(parseAll(BAD_KEY)).toEqual([
      {
        zone: 'one.test',
        direction: 'in',
        peer: '127.0.0.1#35410',
        kind: 'unknown',
        success: false,
        message: 'refresh failed: tsig indicates error',
        ts: new Date(2026, 11, 6, 18, 23, 58, 860).toISOString(),
      },
    ]);
  });

  it('ignores lines that are not transfers, and garbage', () => {
    const parser = new XferLogParser();
    for (const line of [
      '',
      'garbage',
      '06-Dec-2026 18:23:58.860 general: notice: running',
      "client @0x1 127.0.0.1#1 (x): transfer of 'x",
      "transfer of 'x/IN' from nowhere: Transfer completed: 0 messages",
    ]) {
      expect(parser.push(line)).toBeNull();
    }
  });
});

describe('zoneOfQualified', () => {
  it('strips the class, the transfer type and a view, keeping a / inside the name', () => {
    expect(zoneOfQualified('one.test/IN')).toBe('one.test');
    expect(zoneOfQualified('closed.test/AXFR/IN')).toBe('closed.test');
    expect(zoneOfQualified('0/25.2.0.192.in-addr.arpa/IN')).toBe('0/25.2.0.192.in-addr.arpa');
    expect(zoneOfQualified('One.Test/IN/internal')).toBe('one.test');
    expect(zoneOfQualified('one.test')).toBeNull();
  });
});
