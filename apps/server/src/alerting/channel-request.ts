import { createHmac } from 'node:crypto';
import type { AlertChannelKind, AlertWebhookBody } from '@hdns/protocol/rest';
import { eventOfPayload, summaryOf, type DeliveryPayload } from './alert-payload.js';
import { severityOf } from './event-filter.js';
import type { StoredChannel } from './channel-store.js';

/** One HTTP request to a channel: where, what, with which headers. */
export interface ChannelRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** Header names of the generic webhook (documented for receivers). */
export const SIGNATURE_HEADER = 'x-hdns-signature';
export const TIMESTAMP_HEADER = 'x-hdns-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`, as a receiver recomputes it. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Alertmanager's v2 endpoint under the configured base URL. */
export function alertmanagerUrl(base: string): string {
  const url = new URL(base);
  if (!url.pathname.endsWith('/api/v2/alerts')) {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v2/alerts`;
  }
  return url.toString();
}

function bodyOf(kind: Exclude<AlertChannelKind, 'email'>, deliveryId: string, p: DeliveryPayload) {
  const event = eventOfPayload(p);
  const text = summaryOf(p);
  switch (kind) {
    case 'webhook': {
      const body: AlertWebhookBody = {
        deliveryId,
        reason: p.reason,
        rule: p.rule,
        summary: text,
        event: p.event,
        ...(p.observed ? { observed: p.observed } : {}),
        ...(p.escalatedAfterMinutes !== undefined
          ? { escalatedAfterMinutes: p.escalatedAfterMinutes }
          : {}),
      };
      return body;
    }
    case 'slack':
      // Slack incoming webhooks (and Mattermost, Rocket.Chat) take `text` with mrkdwn.
      return { text: `*Hybrid DNS Server*\n${text}` };
    case 'teams':
      // Teams incoming webhooks and workflows accept a plain `text` with markdown.
      return { text: `**Hybrid DNS Server**\n\n${text}` };
    case 'alertmanager':
      return [
        {
          labels: {
            alertname: event?.event ?? 'hdns_test',
            source: 'hybrid-dns-server',
            severity: event ? (severityOf(event) ?? event.priority) : 'info',
            ...(event ? { category: event.category, priority: event.priority } : {}),
            ...(event?.meta.zone ? { zone: event.meta.zone } : {}),
            ...(p.rule ? { rule: p.rule.name } : {}),
            ...(p.reason === 'escalation' ? { escalated: 'true' } : {}),
          },
          annotations: {
            summary: text,
            ...(event
              ? { event_id: event.id, data: JSON.stringify(event.data).slice(0, 4000) }
              : {}),
            ...(p.observed ? { observed: JSON.stringify(p.observed) } : {}),
          },
          startsAt: event?.ts ?? new Date().toISOString(),
        },
      ];
  }
}

/** The request a delivery makes to an HTTP channel. */
export function channelRequest(
  channel: StoredChannel,
  deliveryId: string,
  payload: DeliveryPayload,
  nowMs: number = Date.now(),
): ChannelRequest {
  if (channel.kind === 'email') throw new Error('email is not an HTTP channel');
  const base = channel.config.url;
  if (!base) throw new Error(`channel ${channel.id} has no url`);
  const body = JSON.stringify(bodyOf(channel.kind, deliveryId, payload));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'hybrid-dns-server alerts',
    [IDEMPOTENCY_HEADER]: deliveryId,
  };
  if (channel.kind === 'webhook') {
    const timestamp = String(Math.floor(nowMs / 1000));
    headers[TIMESTAMP_HEADER] = timestamp;
    if (channel.config.secret) {
      headers[SIGNATURE_HEADER] = signature(channel.config.secret, timestamp, body);
    }
  }
  return {
    url: channel.kind === 'alertmanager' ? alertmanagerUrl(base) : base,
    body,
    headers,
  };
}
