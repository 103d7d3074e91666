import type { z } from 'zod';
import type { LoggedEvent } from '@hdns/hub';
import { alertWebhookBodySchema, describeObservation } from '@hdns/protocol/rest';
import { severityOf } from './event-filter.js';

/**
 * What a delivery row's `payload` holds: the webhook body (packages/protocol) but for what each
 * send adds, its delivery id and the summary line.
 */
export const deliveryPayloadSchema = alertWebhookBodySchema.omit({
  deliveryId: true,
  summary: true,
});
export type DeliveryPayload = z.infer<typeof deliveryPayloadSchema>;

export function parsePayload(json: string): DeliveryPayload {
  return deliveryPayloadSchema.parse(JSON.parse(json));
}

export function eventOfPayload(p: DeliveryPayload): LoggedEvent | null {
  return p.event as LoggedEvent | null;
}

/** A short human line: "[critical] health_alert: named exited (rule: BIND down)". */
export function summaryOf(p: DeliveryPayload): string {
  const e = eventOfPayload(p);
  if (!e) return 'Test notification from Hybrid DNS Server';
  const data =
    e.data !== null && typeof e.data === 'object' ? (e.data as Record<string, unknown>) : {};
  const message = typeof data['message'] === 'string' ? `: ${data['message']}` : '';
  const zone = e.meta.zone ? ` (${e.meta.zone})` : '';
  const prefix = p.reason === 'escalation' ? 'ESCALATED, not acknowledged: ' : '';
  const rule = p.rule ? ` [rule: ${p.rule.name}]` : '';
  const seen = p.observed ? ` (${describeObservation(p.observed)})` : '';
  return `${prefix}[${severityOf(e) ?? e.priority}] ${e.event}${zone}${message}${seen}${rule}`;
}
