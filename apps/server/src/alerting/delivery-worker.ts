import type { FastifyBaseLogger } from 'fastify';
import { parsePayload } from './alert-payload.js';
import { sendToChannel, type ChannelSender } from './channel-sender.js';
import type { AttemptObserver } from './alert-metrics.js';
import type { ChannelStore, StoredChannel } from './channel-store.js';
import type { DeliveryRow, DeliveryStore } from './delivery-store.js';
import { PostError } from './http-post.js';
import { retryDelayMs } from './retry-backoff.js';

export interface DeliverySettings {
  timeoutMs: number;
  allowPrivate: boolean;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** Rows claimed per run; a full batch makes the loop run again at once. */
const BATCH = 20;

/**
 * Sends due deliveries: claims rows (delivery-store.ts), posts each to its channel, and records
 * the outcome: delivered, failed with a jittered exponential retry time, or `dead` after
 * `maxAttempts`. A shutdown aborts attempts in flight and gives their rows back, due at once,
 * so the next start sends them (with the same Idempotency-Key: the delivery id).
 */
export class DeliveryWorker {
  constructor(
    private readonly store: DeliveryStore,
    private readonly channels: ChannelStore,
    private readonly settings: DeliverySettings,
    private readonly log: FastifyBaseLogger,
    private readonly observe: AttemptObserver = () => undefined,
    private readonly send: ChannelSender = sendToChannel,
  ) {}

  /** One run; true when a full batch was claimed (more may be due). */
  async runOnce(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    const now = Date.now();
    // The claim outlasts the attempt's timeout, so only a crashed sender's row is taken over.
    const claimUntil = new Date(now + this.settings.timeoutMs * 2 + 5_000).toISOString();
    const rows = await this.store.claimDue(new Date(now).toISOString(), claimUntil, BATCH);
    if (rows.length === 0) return false;
    // One read for the batch's channels, not one per row.
    const channels = await this.channels.getMany([...new Set(rows.map((r) => r.channel_id))]);
    await Promise.all(rows.map((row) => this.deliver(row, channels.get(row.channel_id), signal)));
    return rows.length === BATCH;
  }

  private async deliver(
    row: DeliveryRow,
    channel: StoredChannel | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    if (!channel || !channel.enabled) {
      const why = channel ? 'channel disabled' : 'channel removed';
      await this.store.markFailed(row.id, { statusCode: null, error: why, retryAt: null });
      return;
    }
    const started = performance.now();
    const took = () => (performance.now() - started) / 1000;
    try {
      const result = await this.send(channel, row.id, parsePayload(row.payload), {
        timeoutMs: this.settings.timeoutMs,
        allowPrivate: this.settings.allowPrivate,
        signal,
      });
      this.observe(channel.kind, 'delivered', took());
      await this.store.markDelivered(row.id, result.statusCode, new Date().toISOString());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (signal.aborted) {
        await this.store.release(row.id, new Date().toISOString(), 'interrupted by shutdown');
        return;
      }
      const attempts = Number(row.attempts);
      const dead = attempts >= this.settings.maxAttempts;
      this.observe(channel.kind, dead ? 'dead' : 'failed', took());
      const retryAt = dead
        ? null
        : new Date(
            Date.now() +
              retryDelayMs(attempts, {
                baseMs: this.settings.retryBaseMs,
                maxMs: this.settings.retryMaxMs,
              }),
          ).toISOString();
      await this.store.markFailed(row.id, {
        statusCode: err instanceof PostError ? err.statusCode : null,
        error: message,
        retryAt,
      });
      this.log.warn(
        { delivery: row.id, channel: row.channel_id, attempts, dead, error: message },
        'alert delivery failed',
      );
    }
  }
}
