import { describe, expect, it } from 'vitest';
import { raisesToast, type ToastCandidate } from './toast-rule';

const by = (id: string | null, event: string, priority: ToastCandidate['priority']) => ({
  event,
  priority,
  meta: { actor: id === null ? null : { id } },
});

describe('raisesToast', () => {
  it("toasts others' zone and record changes, never the user's own (the page confirms them)", () => {
    // zone_created is high priority: it used to raise a second toast beside "Zone x created".
    expect(raisesToast(by('me', 'zone_created', 'high'), 'me')).toBe(false);
    expect(raisesToast(by('me', 'record_updated', 'normal'), 'me')).toBe(false);
    expect(raisesToast(by('admin', 'zone_created', 'high'), 'me')).toBe(true);
    expect(raisesToast(by('admin', 'record_created', 'normal'), 'me')).toBe(true);
    expect(raisesToast(by(null, 'record_created', 'normal'), 'me')).toBe(false);
  });

  it('toasts every other high or critical event, whoever caused it', () => {
    expect(raisesToast(by('me', 'bulk_operation_complete', 'high'), 'me')).toBe(true);
    expect(raisesToast(by(null, 'security_alert', 'critical'), 'me')).toBe(true);
    expect(raisesToast(by(null, 'dns_query_log', 'low'), 'me')).toBe(false);
    expect(raisesToast(by('admin', 'user_login', 'normal'), 'me')).toBe(false);
  });
});
