import { describe, expect, it } from 'vitest';
import { eventSpec } from './catalogue.js';
import { EXAMPLE_WEBHOOK_BODY, renderAlerting } from './docs-alerts.js';
import { alertWebhookBodySchema } from './rest/alert-schemas.js';

describe('alerting docs', () => {
  it('documents an example webhook body the schema and the event catalogue accept', () => {
    const body = alertWebhookBodySchema.parse(EXAMPLE_WEBHOOK_BODY);
    expect(body.event).not.toBeNull();
    const event = body.event;
    if (!event) return;
    expect(eventSpec(event.event).schema.safeParse(event.data).success).toBe(true);
    expect(renderAlerting()).toContain('"deliveryId"');
  });
});
