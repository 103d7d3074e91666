import { randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type {
  AlertChannel,
  AlertChannelConfig,
  AlertDelivery,
  AlertDeliveryPage,
  AlertRule,
  DeliveryStatus,
} from '@hdns/protocol/rest';
import type { z } from 'zod';
import type {
  alertChannelInputSchema,
  alertChannelPatchSchema,
  alertRuleInputSchema,
  alertRulePatchSchema,
} from '@hdns/protocol/rest';
import { AppError } from '../http/app-error.js';
import { parsePayload, type DeliveryPayload } from './alert-payload.js';
import { ChannelStore, channelView, type StoredChannel } from './channel-store.js';
import { deliveryView, type DeliveryStore } from './delivery-store.js';
import { RuleStore } from './rule-store.js';
import type { Db } from '../storage/db.js';
import { isPublicAddress } from '../http/target-guard.js';

type RuleInput = z.output<typeof alertRuleInputSchema>;
type RulePatch = z.output<typeof alertRulePatchSchema>;
type ChannelInput = z.output<typeof alertChannelInputSchema>;
type ChannelPatch = z.output<typeof alertChannelPatchSchema>;

/** Every channel the rule names exists; locks them until the transaction ends. */
async function checkChannels(channels: ChannelStore, rule: AlertRule): Promise<void> {
  const ids = [
    ...new Set([...rule.channelIds, ...(rule.escalation ? [rule.escalation.channelId] : [])]),
  ];
  const found = await channels.lock(ids);
  const missing = ids.find((channelId) => !found.has(channelId));
  if (missing !== undefined) throw new AppError('ALERT_CHANNEL_UNKNOWN', { channelId: missing });
}

/** Rules, channels and the delivery log as the REST routes use them. */
export class AlertService {
  constructor(
    private readonly db: Db,
    private readonly rules: RuleStore,
    private readonly channels: ChannelStore,
    private readonly deliveries: DeliveryStore,
    private readonly opts: { allowPrivate: boolean; wake: () => void; ruleChanged: () => void },
  ) {}

  listRules(): Promise<AlertRule[]> {
    return this.rules.list();
  }

  async createRule(input: RuleInput): Promise<AlertRule> {
    const now = new Date().toISOString();
    const rule: AlertRule = { id: randomUUID(), ...input, createdAt: now, updatedAt: now };
    await this.inTransaction(async (tx) => {
      await checkChannels(tx.channels, rule);
      await tx.rules.insert(rule);
    });
    this.opts.ruleChanged();
    return rule;
  }

  async updateRule(id: string, patch: RulePatch): Promise<AlertRule> {
    const current = await this.rules.get(id);
    if (!current) throw new AppError('NOT_FOUND');
    const rule: AlertRule = { ...current, ...patch, updatedAt: new Date().toISOString() };
    await this.inTransaction(async (tx) => {
      await checkChannels(tx.channels, rule);
      await tx.rules.update(rule);
    });
    this.opts.ruleChanged();
    return rule;
  }

  async deleteRule(id: string): Promise<void> {
    if (!(await this.rules.get(id))) throw new AppError('NOT_FOUND');
    await this.rules.remove(id);
    this.opts.ruleChanged();
  }

  /** Every channel; `fullUrl` (admins) shows target URLs whole (see channelView). */
  async listChannels(fullUrl: boolean): Promise<AlertChannel[]> {
    return (await this.channels.list()).map((c) => channelView(c, { fullUrl }));
  }

  async createChannel(input: ChannelInput): Promise<AlertChannel> {
    const now = new Date().toISOString();
    const channel: StoredChannel = { id: randomUUID(), ...input, createdAt: now, updatedAt: now };
    await this.checkChannel(channel);
    await this.channels.insert(channel);
    return channelView(channel);
  }

  async updateChannel(id: string, patch: ChannelPatch): Promise<AlertChannel> {
    const current = await this.channels.get(id);
    if (!current) throw new AppError('NOT_FOUND');
    const config: AlertChannelConfig = patch.config
      ? {
          ...patch.config,
          // Write-only values are never shown, so a form cannot send them back: keep them.
          secret: patch.config.secret ?? current.config.secret,
          smtpPassword: patch.config.smtpPassword ?? current.config.smtpPassword,
        }
      : current.config;
    const channel: StoredChannel = {
      ...current,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      config,
      updatedAt: new Date().toISOString(),
    };
    await this.checkChannel(channel);
    await this.channels.update(channel);
    return channelView(channel);
  }

  async deleteChannel(id: string): Promise<void> {
    // The lock orders this against a rule naming the channel (createRule, updateRule): the
    // rules read after it include any such rule committed first, and one committed later
    // finds the channel gone.
    await this.inTransaction(async (tx) => {
      if (!(await tx.channels.lock([id])).has(id)) throw new AppError('NOT_FOUND');
      const users = (await tx.rules.list()).filter(
        (r) => r.channelIds.includes(id) || r.escalation?.channelId === id,
      );
      if (users.length > 0) {
        throw new AppError('ALERT_CHANNEL_IN_USE', { ruleIds: users.map((r) => r.id) });
      }
      await tx.channels.remove(id);
    });
  }

  /** Queues a test notification to the channel; the delivery log shows how it went. */
  async testChannel(id: string): Promise<AlertDelivery> {
    if (!(await this.channels.get(id))) throw new AppError('NOT_FOUND');
    const payload: DeliveryPayload = { reason: 'test', rule: null, event: null };
    return this.queue(id, null, null, 'test', payload);
  }

  /** Sends a logged delivery again as a new delivery (new Idempotency-Key: a deliberate resend). */
  async resend(id: string): Promise<AlertDelivery> {
    const row = await this.deliveries.get(id);
    if (!row) throw new AppError('NOT_FOUND');
    const payload = { ...parsePayload(row.payload), reason: 'resend' as const };
    return this.queue(row.channel_id, row.rule_id, row.event_id, 'resend', payload);
  }

  deliveryPage(q: {
    status?: DeliveryStatus | undefined;
    channelId?: string | undefined;
    before?: string | undefined;
    limit: number;
  }): Promise<AlertDeliveryPage> {
    return this.deliveries.page(q);
  }

  private async queue(
    channelId: string,
    ruleId: string | null,
    eventId: string | null,
    reason: 'test' | 'resend',
    payload: DeliveryPayload,
  ): Promise<AlertDelivery> {
    const id = randomUUID();
    await this.deliveries.enqueue([
      {
        id,
        channelId,
        ruleId,
        eventId,
        reason,
        dedupeKey: null,
        payload: JSON.stringify(payload),
        escalateAt: null,
        now: new Date().toISOString(),
      },
    ]);
    this.opts.wake();
    const row = await this.deliveries.get(id);
    if (!row) throw new Error('queued delivery vanished');
    return deliveryView(row);
  }

  /** Runs `work` in one transaction with stores bound to it. */
  private inTransaction<T>(
    work: (tx: { rules: RuleStore; channels: ChannelStore }) => Promise<T>,
  ): Promise<T> {
    return this.db
      .transaction()
      .execute((trx) => work({ rules: new RuleStore(trx), channels: new ChannelStore(trx) }));
  }

  private async checkChannel(channel: StoredChannel): Promise<void> {
    const c = channel.config;
    const needed =
      channel.kind === 'email' ? { smtpHost: c.smtpHost, from: c.from, to: c.to } : { url: c.url };
    const missing = Object.entries(needed)
      .filter(([, v]) => v === undefined)
      .map(([k]) => k);
    if (missing.length > 0) throw new AppError('ALERT_CHANNEL_INVALID', { missing });
    if (this.opts.allowPrivate) return;
    // Checked again at every send (on the address connected to); this only fails early.
    const host =
      channel.kind === 'email'
        ? (c.smtpHost ?? '')
        : new URL(c.url ?? '').hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0) {
      if (!isPublicAddress(host)) throw new AppError('ALERT_TARGET_REFUSED', { host });
      return;
    }
    const resolved = await lookup(host, { all: true }).catch(() => []);
    if (resolved.some((a) => !isPublicAddress(a.address))) {
      throw new AppError('ALERT_TARGET_REFUSED', { host });
    }
  }
}
