import { describe, expect, it } from 'vitest';
import type { EventDataOf } from '@hdns/protocol';
import type { Secondary, ZoneSync } from '@hdns/protocol/rest';
import { ApiError } from '../../api/api-error';
import { deleteKeyErrorText, serialRows, stateTone, withLiveStatus } from './replication-view';

const NS2: Secondary = {
  id: 's1',
  name: 'ns2',
  address: '192.0.2.2',
  port: 53,
  tsigKeyId: null,
  tsigKeyName: null,
  enabled: true,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  state: 'in_sync',
  laggingZones: [],
  checkedAt: '2026-01-01T00:00:10.000Z',
  message: null,
};

const status = (
  checkedAt: string,
  state: EventDataOf<'secondary_status'>['state'],
): EventDataOf<'secondary_status'> => ({
  secondaryId: 's1',
  name: 'ns2',
  address: '192.0.2.2#53',
  state,
  previous: 'in_sync',
  level: 'warning',
  laggingZones: ['a.test'],
  zoneCount: 2,
  message: 'a.test behind',
  checkedAt,
});

describe('stateTone', () => {
  it('maps each state to a pill tone', () => {
    expect(['in_sync', 'lagging', 'failing', 'unknown'].map((s) => stateTone(s as never))).toEqual([
      'ok',
      'warn',
      'bad',
      'muted',
    ]);
  });
});

describe('withLiveStatus', () => {
  it('lays a newer live status over the REST reading', () => {
    const live = new Map([['s1', status('2026-01-01T00:00:20.000Z', 'lagging')]]);
    expect(withLiveStatus([NS2], live)[0]).toMatchObject({
      state: 'lagging',
      laggingZones: ['a.test'],
      checkedAt: '2026-01-01T00:00:20.000Z',
      message: 'a.test behind',
    });
  });

  it('keeps the REST reading when the live status is older', () => {
    const live = new Map([['s1', status('2026-01-01T00:00:05.000Z', 'failing')]]);
    expect(withLiveStatus([NS2], live)[0]).toEqual(NS2);
  });
});

describe('serialRows', () => {
  const sync: ZoneSync = {
    zone: 'a.test',
    dbSerial: 7,
    servedSerial: 7,
    secondaries: [
      { id: 's1', name: 'ns2', serial: 6, state: 'lagging' },
      { id: 's2', name: 'ns3', serial: null, state: 'failing' },
      { id: 's3', name: 'ns4', serial: 7, state: 'in_sync' },
    ],
    drift: true,
    checkedAt: null,
  };

  it('marks every serial that differs from the database', () => {
    expect(serialRows(sync).map((r) => [r.label, r.serial, r.drift])).toEqual([
      ['Served by named', 7, false],
      ['ns2', 6, true],
      ['ns3', null, true],
      ['ns4', 7, false],
    ]);
  });

  it('marks nothing while the database has no serial', () => {
    expect(serialRows({ ...sync, dbSerial: null }).some((r) => r.drift)).toBe(false);
  });
});

describe('deleteKeyErrorText', () => {
  it('names the users of a key in use', () => {
    const err = new ApiError(409, 'TSIG_KEY_IN_USE', 'x', { usedBy: ['ns2', 'zone b.test'] });
    expect(deleteKeyErrorText(err)).toBe(
      'The key is in use by ns2, zone b.test: change those first, then delete it.',
    );
  });

  it("shows other errors as the server's message", () => {
    expect(deleteKeyErrorText(new ApiError(403, 'FORBIDDEN', 'Admins only'))).toBe('Admins only');
  });
});
