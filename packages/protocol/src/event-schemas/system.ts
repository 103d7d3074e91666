/**
 * Server, host and BIND state. The snapshots (system_status, system_metrics, bind_status) are
 * latest-value events: under pressure only the newest one is delivered.
 */
import { z } from 'zod';
import { count, counters, healthState, idString, isoTime, text } from './common.js';
import { defineEvent } from './spec.js';

const percent = z.number().min(0).max(100);
const nonNegative = z.number().nonnegative();
const bytes = nonNegative;

export const SYSTEM_EVENTS = {
  system_status: defineEvent({
    category: 'system',
    priority: 'normal',
    minRole: 'viewer',
    sensitive: {},
    coalesceBy: [],
    zoneScoped: false,
    description: 'Overall state of the server and its components (BIND, database, monitors).',
    schema: z.object({
      overall: healthState,
      version: z.string().max(64),
      uptimeSec: count,
      components: z
        .array(
          z.object({ name: z.string().max(64), status: healthState, message: text.optional() }),
        )
        .max(64),
      startedAt: isoTime,
    }),
  }),
  system_metrics: defineEvent({
    category: 'system',
    priority: 'low',
    minRole: 'viewer',
    sensitive: {},
    coalesceBy: [],
    zoneScoped: false,
    description: 'Host metrics sampled every `intervalSec` seconds.',
    schema: z.object({
      intervalSec: z.number().positive(),
      cpu: z.object({
        percent,
        load1: nonNegative,
        load5: nonNegative,
        load15: nonNegative,
        cores: count,
      }),
      memory: z.object({ usedBytes: bytes, totalBytes: bytes, percent }),
      disk: z.object({ path: z.string().max(512), usedBytes: bytes, totalBytes: bytes, percent }),
      network: z.object({ rxBytesPerSec: bytes, txBytesPerSec: bytes }),
    }),
  }),
  bind_status: defineEvent({
    category: 'system',
    priority: 'low',
    minRole: 'viewer',
    sensitive: {},
    coalesceBy: [],
    zoneScoped: false,
    description: 'BIND state from rndc status and the statistics channel.',
    schema: z.object({
      running: z.boolean(),
      /** True when this server supervises its own `named`. */
      managed: z.boolean(),
      version: z.string().max(128).nullable(),
      uptimeSec: count.nullable(),
      qps: z.number().nonnegative(),
      /** Responses by rcode since start (NOERROR, NXDOMAIN, SERVFAIL …). */
      rcodes: counters,
      rpzRewrites: count,
      zonesLoaded: count,
      recursiveClients: count.optional(),
      /**
       * Where the live query facts come from: dnstap (answers, rcodes, latency), the text query
       * log (a BIND built without dnstap, or chosen), or none.
       */
      querySource: z.enum(['dnstap', 'querylog', 'none']).optional(),
      /** Why that source: e.g. `named -V` shows no --enable-dnstap. */
      querySourceReason: text.optional(),
    }),
  }),
  config_change: defineEvent({
    category: 'system',
    priority: 'normal',
    minRole: 'operator',
    sensitive: { before: 'admin', after: 'admin' },
    zoneScoped: false,
    description:
      'A server setting changed. Values are rendered as strings; secrets are masked by the server before publishing, and operators see the values redacted.',
    schema: z.object({
      /** Settings area: `server`, `bind`, `forwarders`, `rpz`, `auth`, `monitoring`, `realtime` … */
      scope: z.string().min(1).max(64),
      key: z.string().max(128).nullable().optional(),
      before: z.string().max(4096).nullable().optional(),
      after: z.string().max(4096).nullable().optional(),
    }),
  }),
  admin_broadcast: defineEvent({
    category: 'system',
    priority: 'critical',
    minRole: 'viewer',
    sensitive: {},
    verbatim: ['title', 'message'],
    zoneScoped: false,
    description:
      'A message from an administrator to every connected user (maintenance windows, incidents).',
    schema: z.object({
      broadcastId: idString,
      level: z.enum(['info', 'warning', 'critical']),
      title: z.string().max(200).optional(),
      message: text.min(1),
    }),
  }),
} as const;
