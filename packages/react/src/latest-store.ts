/**
 * Latest values behind `useLatest`: the newest event of each type, and for latest-value types
 * with a coalesce key (query_stats by `windowSec`, bulk_operation_progress by `jobId`) the newest
 * per key as well. The key fields come from the catalogue (`coalesceBy`), the same definition
 * the hub coalesces by, so "latest" means the same thing on both sides.
 *
 * Contract:
 * - "Newest" is arrival order (the client delivers in order, without duplicates).
 * - `get(type)` is the newest event of the type, whatever its key; `get(type, key)` the newest
 *   with that key. A key is the coalesce field's value (`60`), or an array of values for a
 *   multi-field key, compared as strings.
 * - Published through a FrameStore: at most once per frame. The published map is a copy, so a
 *   value returned by `get` stays the same object until a newer event of that slot is published.
 */
import {
  EVENT_CATALOGUE,
  type EventFrame,
  type EventFrameUnion,
  type EventType,
} from '@hdns/protocol';
import type { FrameScheduler } from './frame-scheduler.js';
import { FrameStore } from './frame-store.js';

export type LatestKey = string | number | boolean | readonly (string | number | boolean)[];

const KEY_SEPARATOR = '\u001f';

export class LatestStore {
  readonly store: FrameStore<ReadonlyMap<string, EventFrameUnion>>;
  private readonly working = new Map<string, EventFrameUnion>();
  private published: ReadonlyMap<string, EventFrameUnion> = new Map();
  private dirty = false;

  constructor(scheduler?: FrameScheduler) {
    this.store = new FrameStore(() => this.compute(), scheduler);
  }

  push(event: EventFrameUnion): void {
    this.working.set(event.event, event);
    const key = coalesceKeyOf(event);
    if (key !== undefined) this.working.set(slot(event.event, key), event);
    this.dirty = true;
    this.store.invalidate();
  }

  /** Reads the published snapshot (what the current render may see). */
  get<T extends EventType>(type: T, key?: LatestKey): EventFrame<T> | undefined {
    return this.store.getSnapshot().get(slotOf(type, key)) as EventFrame<T> | undefined;
  }

  /** Same as `get`, by a slot id from `slotOf` (a string: cheap to compare in hook deps). */
  getSlot(slotId: string): EventFrameUnion | undefined {
    return this.store.getSnapshot().get(slotId);
  }

  private compute(): ReadonlyMap<string, EventFrameUnion> {
    if (this.dirty) {
      this.dirty = false;
      this.published = new Map(this.working);
    }
    return this.published;
  }
}

/** The coalesce key of an event from its catalogue entry; undefined for unkeyed types. */
export function coalesceKeyOf(event: EventFrameUnion): string | undefined {
  const fields = EVENT_CATALOGUE[event.event].coalesceBy;
  if (!fields || fields.length === 0) return undefined;
  const data = event.data as Readonly<Record<string, unknown>>;
  return normalizeKey(fields.map((f) => stringOf(data[f])));
}

/** The id of the slot that `get(type, key)` reads. */
export function slotOf(type: EventType, key?: LatestKey): string {
  return key === undefined ? type : slot(type, normalizeKey(key));
}

function normalizeKey(key: LatestKey): string {
  return typeof key === 'object' ? key.map(stringOf).join(KEY_SEPARATOR) : stringOf(key);
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}

function slot(type: string, key: string): string {
  return `${type}${KEY_SEPARATOR}${key}`;
}
