/**
 * One tab's view of the shared event stream. Every tab (the leader included) feeds the relayed
 * server frames into its own TabStream, which applies the same rules as a single client
 * (ResumeTracker): an event is delivered at most once per tab, in relay order (the leader's
 * arrival order), and the tab's position is the highest safe `through` it applied. So when a
 * new leader resumes from an older position after a handover, the overlap it replays is dropped
 * here, per tab, and what was published meanwhile is delivered.
 *
 * Welcome rules, per tab (P = this tab's position, R = what the leader's hello resumed from):
 * - no P: the tab starts at the server's head, like a fresh client;
 * - resume ok and P ≥ R in the same epoch: nothing was missed, continue;
 * - otherwise (resume failed, not requested, another epoch, or P < R): `resync`, the tab may have
 *   missed events and should reload over REST; it continues from the head.
 * A tab that opens mid-stream sees a batch before any welcome: it starts with that batch.
 */
import type { EventFrame, StreamPosition, WelcomeFrame } from '@hdns/protocol';
import { ResumeTracker } from '../resume-tracker.js';
import type { ClientSignals } from '../signals.js';
import type { StreamItem } from './messages.js';

export interface TabStreamSink {
  event(event: EventFrame): void;
  welcome(frame: WelcomeFrame): void;
  resync(payload: ClientSignals['resync']): void;
}

const NOT_RESUMED = { requested: false, ok: false, replayed: 0 } as const;

export class TabStream {
  private readonly tracker = new ResumeTracker();

  constructor(
    /** Whether this tab wants the event (its own subscription items). */
    private readonly wants: (event: EventFrame) => boolean,
    private readonly sink: TabStreamSink,
  ) {}

  get position(): StreamPosition | undefined {
    return this.tracker.position;
  }

  apply(item: StreamItem): void {
    switch (item.kind) {
      case 'welcome':
        this.welcome(item.frame, item.requested);
        return;
      case 'batch':
        this.join(item.epoch);
        for (const event of this.tracker.batch(item.frame.events, item.frame.through)) {
          this.deliver(event);
        }
        return;
      case 'event':
        this.join(item.epoch);
        if (this.tracker.accept(item.frame.seq)) this.deliver(item.frame);
        return;
    }
  }

  private welcome(frame: WelcomeFrame, requested: StreamPosition | undefined): void {
    const mine = this.tracker.position;
    const behind =
      mine !== undefined &&
      requested !== undefined &&
      mine.epoch === requested.epoch &&
      mine.seq < requested.seq;
    const view = behind ? { ...frame, resume: { requested: true, ok: false, replayed: 0 } } : frame;
    const outcome = this.tracker.welcome(view, mine);
    this.sink.welcome(frame);
    if (outcome.kind === 'resync') {
      this.sink.resync({
        reason: outcome.reason,
        previous: outcome.previous,
        position: frame.position,
      });
    }
  }

  /** A tab that saw no welcome yet starts with the first relayed frame. */
  private join(epoch: string): void {
    if (this.tracker.position) return;
    this.tracker.welcome({ position: { epoch, seq: 0 }, resume: NOT_RESUMED }, undefined);
  }

  private deliver(event: EventFrame): void {
    if (this.wants(event)) this.sink.event(event);
  }
}
