import { describe, expect, it } from 'vitest';
import { CloseCode, EXAMPLE_EVENTS, REDACTED } from '@hdns/protocol';
import { LEGACY_CLOSE } from '@hdns/protocol/legacy';
import {
  EncodedEvent,
  legacy1EventEncoder,
  legacy2EventEncoder,
  legacyCloseFor,
  legacyFraming,
  type LoggedEvent,
} from '../src/index.js';
import { broadcastLevel } from '../src/legacy/legacy-admin.js';

const logged: LoggedEvent = {
  id: 'e1',
  seq: 7,
  event: 'dns_query_log',
  category: 'query',
  priority: 'low',
  ts: '2025-01-01T00:00:00.000Z',
  data: EXAMPLE_EVENTS.dns_query_log,
  meta: { actor: { id: 'u', username: 'root' }, zone: null, source: 'tailer' },
};

describe('legacy close codes', () => {
  it('maps the codes the old protocols had and passes the rest through', () => {
    expect(legacyCloseFor(CloseCode.SUPERSEDED, 'superseded')).toEqual(LEGACY_CLOSE.REPLACED);
    expect(legacyCloseFor(CloseCode.SERVER_OVERLOADED, 'x')).toEqual(LEGACY_CLOSE.OVERLOADED);
    expect(legacyCloseFor(CloseCode.AUTH_FAILED, 'x')).toEqual(LEGACY_CLOSE.AUTH_FAILED);
    expect(legacyCloseFor(CloseCode.TOKEN_EXPIRED, 'x')).toEqual(LEGACY_CLOSE.AUTH_FAILED);
    expect(legacyCloseFor(CloseCode.FORBIDDEN, 'x')).toEqual(LEGACY_CLOSE.POLICY);
    expect(legacyCloseFor(CloseCode.KICKED, 'bye')).toEqual({
      code: CloseCode.KICKED,
      reason: 'bye',
    });
    expect(legacyCloseFor(1000, 'ok')).toEqual({ code: 1000, reason: 'ok' });
  });
});

describe('legacy encoding', () => {
  it('gen1 is {type, data, timestamp, severity, category, event_id} of the redacted data', () => {
    const data = { ...EXAMPLE_EVENTS.dns_query_log, clientIp: REDACTED };
    expect(JSON.parse(legacy1EventEncoder(logged, data, ['clientIp']))).toEqual({
      type: 'dns_query_log',
      data,
      timestamp: logged.ts,
      severity: 'info',
      category: 'query',
      event_id: 'e1',
    });
  });

  it('gen2 carries id, priority and metadata with seq, category, actor and redactions', () => {
    expect(JSON.parse(legacy2EventEncoder(logged, logged.data, ['clientIp']))).toEqual({
      id: 'e1',
      type: 'dns_query_log',
      data: logged.data,
      timestamp: logged.ts,
      priority: 'low',
      metadata: {
        seq: 7,
        category: 'query',
        zone: null,
        source: 'tailer',
        redacted: ['clientIp'],
        user_id: 'u',
        username: 'root',
      },
    });
  });

  it('writes one frame per event, sharing the encoded bytes; no gap frame', () => {
    const encoded = new EncodedEvent(logged);
    const a = encoded.bytesFor('viewer', 'legacy2', legacy2EventEncoder);
    const b = encoded.bytesFor('viewer', 'legacy2', legacy2EventEncoder);
    expect(b).toBe(a);
    expect(JSON.parse(a.toString())).toMatchObject({ data: { clientIp: REDACTED } });
    const other = Buffer.from('{}');
    const frames = legacyFraming.batch([a, other], 7);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toBe(a);
    expect(frames[1]).toBe(other);
    expect(legacyFraming.gap({ fromSeq: 1, toSeq: 2, count: 2, reason: 'shed' })).toBeUndefined();
  });
});

describe('broadcast levels', () => {
  it('maps the old free-form level/priority onto the three event levels', () => {
    expect(broadcastLevel({})).toBe('info');
    expect(broadcastLevel({ level: 'WARNING' })).toBe('warning');
    expect(broadcastLevel({ level: 'error' })).toBe('critical');
    expect(broadcastLevel({ priority: 'high' })).toBe('warning');
    expect(broadcastLevel({ priority: 'urgent' })).toBe('critical');
    expect(broadcastLevel({ level: 'info', priority: 'critical' })).toBe('info');
  });
});
