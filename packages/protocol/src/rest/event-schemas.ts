/** Event history, acknowledgements and unread counts: bodies of /api/events. */
import { z } from 'zod';
import { CATEGORIES, type Category, type Priority } from '../categories.js';
import { EVENT_TYPES, type EventDataOf, type EventType } from '../catalogue.js';
import type { EventMeta } from '../frames-server.js';

/** A query parameter holding a comma-separated list (also accepted as a repeated parameter). */
const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(z.enum(values)).max(50),
  );

export const eventHistoryQuerySchema = z.object({
  type: csv(EVENT_TYPES).optional().describe('Comma-separated event types'),
  category: csv(CATEGORIES as unknown as [Category, ...Category[]])
    .optional()
    .describe('Comma-separated categories'),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  afterSeq: z.coerce.number().int().nonnegative().optional(),
  beforeSeq: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe('Page cursor: events older than this seq'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  order: z.enum(['asc', 'desc']).default('desc'),
});

/** One stored event. `data` is checked per type by the catalogue, not here (see StoredEvent). */
export const eventViewSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  event: z.enum(EVENT_TYPES),
  category: z.enum(CATEGORIES),
  priority: z.string(),
  ts: z.string(),
  data: z.unknown(),
  meta: z.record(z.string(), z.unknown()),
  acked: z.boolean(),
});

export const eventPageSchema = z.object({
  events: z.array(eventViewSchema),
  nextBeforeSeq: z.number().int().nullable(),
  epoch: z.string(),
  lastSeq: z.number().int(),
});

export const ackBodySchema = z
  .object({
    upToSeq: z.number().int().nonnegative().optional(),
    ids: z.array(z.string().min(1).max(64)).min(1).max(1000).optional(),
  })
  .refine((b) => b.upToSeq !== undefined || b.ids !== undefined, {
    message: 'give upToSeq or ids',
  });

export const unreadSchema = z.object({
  total: z.number().int(),
  byCategory: z.record(z.string(), z.number().int()),
  upToSeq: z.number().int(),
  capped: z
    .boolean()
    .describe(
      'True when unread events older than the newest 10,000 exist: the counts cover only those, so show them as "at least"',
    ),
  epoch: z.string(),
});
export type Unread = z.infer<typeof unreadSchema>;
export const ackResultSchema = z.object({ acked: z.number().int(), unread: unreadSchema });

/**
 * One event of GET /api/events as a client reads it: the live event frame's fields, typed by the
 * catalogue (so `switch (e.event)` narrows `data`), plus whether this user acknowledged it. The
 * server builds `data` from the same catalogue schemas, so this is what eventViewSchema carries.
 */
export type StoredEvent = {
  [T in EventType]: {
    id: string;
    seq: number;
    event: T;
    category: Category;
    priority: Priority;
    ts: string;
    data: EventDataOf<T>;
    meta: EventMeta;
    acked: boolean;
  };
}[EventType];

export type EventPage = Omit<z.infer<typeof eventPageSchema>, 'events'> & {
  events: StoredEvent[];
};
