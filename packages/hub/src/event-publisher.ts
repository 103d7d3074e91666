import { randomUUID } from 'node:crypto';
import {
  eventSpec,
  eventZone,
  parseEventData,
  type EventDataOf,
  type EventType,
  type Priority,
  type Role,
} from '@hdns/protocol';
import type { Bus } from './bus/bus.js';
import type { EventLog, LoggedEvent } from './event-log/event-log.js';
import type { FanOut } from './fan-out.js';
import type { HubMetrics } from './hub-metrics.js';

export interface Actor {
  id: string;
  username: string;
}

export interface PublishOptions {
  actor?: Actor | null;
  /** Overrides the catalogue's default priority for this one event. */
  priority?: Priority;
  /** Where the event came from (e.g. 'api', 'monitor:forwarders'). */
  source?: string;
  /** Narrows this one event to readers of at least this role. */
  audience?: Role;
  /**
   * The event's id, when the caller made it (the outbox relay: the id is chosen before the change
   * commits). Publishing an id the log already holds publishes nothing again and resolves to the
   * event as first logged, so a relay retry after a crash never duplicates it. Default: new.
   */
  id?: string;
  /** When the event happened (ISO); the outbox gives its commit time. Default: now. */
  ts?: string;
}

export class PublishError extends Error {
  constructor(
    readonly type: string,
    detail: string,
  ) {
    super(`invalid ${type} event: ${detail}`);
    this.name = 'PublishError';
  }
}

/**
 * The publishing half of the hub: validates an event against the catalogue, appends it to the
 * log (which assigns its seq), and hands it to the bus, from which the fan-out delivers it.
 */
export class EventPublisher {
  constructor(
    private readonly log: EventLog,
    private readonly bus: Bus,
    private readonly fanOut: FanOut,
    private readonly metrics: HubMetrics,
  ) {}

  /** Validates, logs and fans out one event. Rejects when `data` does not match the catalogue. */
  async publish<T extends EventType>(
    type: T,
    data: EventDataOf<T>,
    options: PublishOptions = {},
  ): Promise<LoggedEvent> {
    const parsed = parseEventData(type, data);
    if (!parsed.ok) throw new PublishError(type, parsed.message);
    const spec = eventSpec(type);
    const id = options.id ?? randomUUID();
    this.fanOut.publishing(id);
    const { event: logged, added } = await this.log.appendIfNew({
      id,
      event: type,
      category: spec.category,
      priority: options.priority ?? spec.priority,
      ts: options.ts ?? new Date().toISOString(),
      data: parsed.data,
      meta: {
        actor: options.actor ?? null,
        zone: eventZone(type, parsed.data) ?? null,
        ...(options.source ? { source: options.source } : {}),
        ...(options.audience ? { audience: options.audience } : {}),
      },
    });
    if (!added) {
      // Already logged (and published then, or replayed to resuming clients from the log).
      this.fanOut.published(id);
      return logged;
    }
    this.metrics.publishedEvent(type);
    await this.bus.publish(logged);
    this.fanOut.published(id);
    return logged;
  }
}
