/**
 * Pure pieces of the replication views: the pill tone of a secondary state, a secondary list
 * with the newest secondary_status events laid over the REST answer, a zone's serial rows with
 * the ones that differ from the database's marked, and the text of a refused key deletion.
 */
import type { EventDataOf } from '@hdns/protocol';
import type { Secondary, SecondaryState, ZoneSync } from '@hdns/protocol/rest';
import { errorMessage, isApiError } from '../../api/api-error';

export function stateTone(state: SecondaryState): 'ok' | 'warn' | 'bad' | 'muted' {
  if (state === 'in_sync') return 'ok';
  if (state === 'lagging') return 'warn';
  if (state === 'failing') return 'bad';
  return 'muted';
}

export const stateLabel = (state: SecondaryState): string => state.replace('_', ' ');

/**
 * The REST list with each secondary's newest live status over it. An event older than the
 * reading the list already has (checkedAt) is ignored, so a reload never goes back in time.
 */
export function withLiveStatus(
  list: readonly Secondary[],
  live: ReadonlyMap<string, EventDataOf<'secondary_status'>>,
): Secondary[] {
  return list.map((s) => {
    const e = live.get(s.id);
    if (!e) return s;
    if (s.checkedAt !== null && Date.parse(s.checkedAt) > Date.parse(e.checkedAt)) return s;
    return {
      ...s,
      state: e.state,
      laggingZones: [...e.laggingZones],
      checkedAt: e.checkedAt,
      message: e.message ?? null,
    };
  });
}

export interface SerialRow {
  key: string;
  label: string;
  serial: number | null;
  state: SecondaryState | null;
  /** Differs from the database's serial (or is missing while the database has one). */
  drift: boolean;
}

/** Served serial first, then each secondary; every row compared with the database's serial. */
export function serialRows(sync: ZoneSync): SerialRow[] {
  const differs = (serial: number | null): boolean =>
    sync.dbSerial !== null && serial !== sync.dbSerial;
  return [
    {
      key: 'served',
      label: 'Served by named',
      serial: sync.servedSerial,
      state: null,
      drift: differs(sync.servedSerial),
    },
    ...sync.secondaries.map((s) => ({
      key: s.id,
      label: s.name,
      serial: s.serial,
      state: s.state,
      drift: differs(s.serial),
    })),
  ];
}

/** TSIG_KEY_IN_USE names its users in `details.usedBy`; anything else reads as the server said. */
export function deleteKeyErrorText(err: unknown): string {
  if (!isApiError(err, 'TSIG_KEY_IN_USE')) return errorMessage(err);
  const d = err.details as { usedBy?: unknown } | undefined;
  const users = Array.isArray(d?.usedBy)
    ? d.usedBy.filter((u): u is string => typeof u === 'string')
    : [];
  return users.length > 0
    ? `The key is in use by ${users.join(', ')}: change those first, then delete it.`
    : 'The key is in use: change what uses it first, then delete it.';
}
