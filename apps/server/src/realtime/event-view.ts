import { projectEvent, type Role } from '@hdns/protocol';
import { mayReceive, type LoggedEvent } from '@hdns/hub';

/** An event as REST returns it: projected for the reader exactly like the live stream. */
export interface EventView extends Omit<LoggedEvent, 'data'> {
  data: unknown;
}

/** Drops what the reader may not see and redacts the rest for its role. */
export function viewFor(
  reader: { userId: string; username: string; role: Role; zones: string[] | null; expiresAt: Date },
  events: readonly LoggedEvent[],
): EventView[] {
  const out: EventView[] = [];
  for (const e of events) {
    if (!mayReceive(reader, e)) continue;
    const { data, meta, redacted } = projectEvent(e.event, e.data, e.meta, reader.role);
    out.push({ ...e, data, meta: redacted.length ? { ...meta, redacted } : meta });
  }
  return out;
}
