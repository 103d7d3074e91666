/**
 * Forwarder health, from real DNS probes. `health_update` is a snapshot (latest value, one per
 * type); `forwarder_status_change` is a transition and is never coalesced, because readers keep
 * history of transitions.
 */
import { z } from 'zod';
import { count, healthState, idString, ipAddress, isoTime, severity, text } from './common.js';
import { defineEvent } from './spec.js';

const latencyMs = z.number().nonnegative().nullable();

const forwarderHealth = z.object({
  id: idString,
  name: z.string().min(1).max(128),
  /** `ip` or `ip#port`, as in named.conf. */
  address: ipAddress,
  status: healthState,
  /** Round-trip time of the last probe; null when it failed. */
  latencyMs,
  lastCheckedAt: isoTime.nullable(),
  consecutiveFailures: count,
});

export const HEALTH_EVENTS = {
  health_update: defineEvent({
    category: 'health',
    priority: 'low',
    minRole: 'viewer',
    sensitive: {},
    verbatim: ['forwarders[].name', 'forwarders[].address'],
    coalesceBy: [],
    zoneScoped: false,
    description: 'Periodic snapshot of every forwarder and the overall state.',
    schema: z.object({
      overall: healthState,
      forwarders: z.array(forwarderHealth).max(1000),
      checkedAt: isoTime,
    }),
  }),
  health_alert: defineEvent({
    category: 'health',
    priority: 'high',
    minRole: 'viewer',
    sensitive: {},
    zoneScoped: false,
    description:
      'A health threshold was crossed (or recovered); `metric`, `value` and `threshold` say which.',
    schema: z.object({
      alertId: idString.optional(),
      severity,
      /** What raised it: `forwarders`, `bind`, `system`, `database` … */
      source: z.string().min(1).max(64),
      message: text,
      metric: z.string().max(64).optional(),
      value: z.number().optional(),
      threshold: z.number().optional(),
      resolved: z.boolean().optional(),
    }),
  }),
  forwarder_status_change: defineEvent({
    category: 'health',
    priority: 'high',
    minRole: 'viewer',
    sensitive: {},
    verbatim: ['name', 'address'],
    zoneScoped: false,
    description: 'A forwarder moved between healthy, degraded and down.',
    schema: z.object({
      forwarderId: idString,
      name: z.string().min(1).max(128),
      address: ipAddress,
      /** Previous state; null on the first probe after start. */
      from: healthState.nullable(),
      to: healthState,
      latencyMs,
      reason: text.optional(),
      consecutiveFailures: count.optional(),
    }),
  }),
} as const;
