/**
 * Long-running jobs (imports, mass edits). Progress is a latest-value event per job: a reader
 * that falls behind only needs the newest percentage, so it coalesces by `jobId`. Completion is
 * never coalesced and carries at most MAX_BULK_ERRORS per-line errors.
 */
import { z } from 'zod';
import { count, domainName, idString, text } from './common.js';
import { defineEvent } from './spec.js';

/** Cap on the per-line errors listed in bulk_operation_complete; `errorCount` has the total. */
export const MAX_BULK_ERRORS = 100;

const job = {
  jobId: idString,
  /** What the job does, e.g. `record_import`, `record_delete`, `rpz_import`. */
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/)
    .describe('snake_case job kind'),
  /** Zone the job works on; null for jobs that are not about one zone (e.g. RPZ imports). */
  zone: domainName.nullable(),
  total: count,
};

export const BULK_EVENTS = {
  bulk_operation_progress: defineEvent({
    category: 'bulk',
    priority: 'low',
    minRole: 'operator',
    sensitive: {},
    coalesceBy: ['jobId'],
    zoneScoped: true,
    description: 'Progress of a bulk job; only the newest per job matters.',
    schema: z.object({
      ...job,
      processed: count,
      succeeded: count,
      failed: count,
      percent: z.number().min(0).max(100),
    }),
  }),
  bulk_operation_complete: defineEvent({
    category: 'bulk',
    priority: 'high',
    minRole: 'operator',
    sensitive: {},
    zoneScoped: true,
    description: `A bulk job finished (successfully, partly or not at all); lists up to ${MAX_BULK_ERRORS} errors.`,
    schema: z.object({
      ...job,
      status: z.enum(['succeeded', 'partial', 'failed', 'cancelled']),
      succeeded: count,
      failed: count,
      durationMs: count,
      errors: z
        .array(z.object({ line: z.number().int().nonnegative(), message: text }))
        .max(MAX_BULK_ERRORS),
      /** Total number of errors, which may exceed the listed ones. */
      errorCount: count,
      /**
       * Why a job stopped early; absent when it ran to the end. Set for a `cancelled` job (its
       * user lost the right to run it) and for a `failed` one a restart interrupted.
       */
      reason: text
        .optional()
        .describe(
          'Why the job stopped early: set when `cancelled` (its user lost the right to run it) or `failed` by a restart; absent when it ran to the end',
        ),
    }),
  }),
} as const;
