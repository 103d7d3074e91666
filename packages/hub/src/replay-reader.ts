import { eventSpec, type EventType } from '@hdns/protocol';
import { mayReceive } from './authorizer.js';
import type { EncodedEvent } from './encoded-event.js';
import type { EventLog, EventQuery, LoggedEvent } from './event-log/event-log.js';
import type { Session } from './session.js';

/** Events per page when counting what a resume would replay. */
const COUNT_PAGE = 2000;

/**
 * Reads the event log for sessions that resume: the log's head and resume horizon, and the
 * events after a client's position that the session subscribes to (and, for a zone-scoped
 * reader, that concern its zones).
 */
export class ReplayReader {
  constructor(
    private readonly log: EventLog,
    private readonly encode: (event: LoggedEvent) => EncodedEvent,
  ) {}

  /**
   * The log's head and resume horizon; with `types`, the horizon for readers of those types only
   * (query events have their own, shorter retention and must not cut short a zone reader's resume).
   */
  async position(
    types?: readonly EventType[],
  ): Promise<{ epoch: string; seq: number; oldest: number }> {
    const categories = types ? [...new Set(types.map((t) => eventSpec(t).category))] : undefined;
    const [seq, oldest] = await Promise.all([this.log.lastSeq(), this.log.oldestSeq(categories)]);
    return { epoch: this.log.epoch, seq, oldest };
  }

  /** Events after `afterSeq` up to `head` that the session subscribes to, encoded, ascending. */
  async read(
    session: Session,
    afterSeq: number,
    head: number,
    limit: number,
  ): Promise<EncodedEvent[]> {
    const events = await this.log.query({ ...this.filter(session, afterSeq, head), limit });
    return events.map((e) => this.encode(e));
  }

  /** How many of those events the session may receive. */
  async count(session: Session, afterSeq: number, head: number): Promise<number> {
    const identity = session.identity;
    if (!identity) return 0;
    let count = 0;
    let cursor = afterSeq;
    for (;;) {
      const page = await this.log.query({
        ...this.filter(session, cursor, head),
        limit: COUNT_PAGE,
      });
      for (const e of page) if (mayReceive(identity, e)) count++;
      const last = page[page.length - 1];
      if (!last || page.length < COUNT_PAGE) return count;
      cursor = last.seq;
    }
  }

  private filter(session: Session, afterSeq: number, head: number): EventQuery {
    const identity = session.identity;
    const zones =
      identity && identity.role !== 'admin' && identity.zones ? identity.zones : undefined;
    return {
      afterSeq,
      beforeSeq: head + 1,
      types: session.subscriptions,
      ...(zones ? { zones } : {}),
    };
  }
}
