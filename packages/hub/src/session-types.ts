import type { StreamPosition } from '@hdns/protocol';
import type { LiveBuffer } from './live-buffer.js';

// The shapes a `Session` exposes (state, resume outcome, counters) and its resume rule.

export type SessionState =
  | { kind: 'authenticating' }
  | {
      kind: 'replaying';
      pending: LiveBuffer;
      /**
       * Seqs of critical live events already written ahead of the replay (see
       * `Session.deliver`); undefined until the replay runs (the welcome is out, and the
       * watermark is held at the replay's position).
       */
      ahead?: Set<number>;
    }
  | { kind: 'live' }
  | { kind: 'closed'; code: number; reason: string };

export interface ResumeOutcome {
  requested: boolean;
  ok: boolean;
  replayed: number;
  reason?: 'epoch_mismatch' | 'too_old' | 'not_requested' | 'ahead';
}

export interface StreamStart {
  position: StreamPosition;
  resume: ResumeOutcome;
  /** Runs the replay (if any) and switches the session live; call after the welcome is sent. */
  run(): Promise<void>;
}

export interface SessionCounters {
  framesIn: number;
  framesOut: number;
  bytesOut: number;
  eventsOut: number;
  eventsLost: number;
}

/**
 * Whether a client's resume position can be served from a log at `epoch` holding seqs
 * `oldest`..`head`. `replayed` is 0 here; the session counts what it will replay when `ok`.
 */
export function judgeResume(
  resume: StreamPosition | undefined,
  epoch: string,
  head: number,
  oldest: number,
): ResumeOutcome {
  const failed = (reason: ResumeOutcome['reason']): ResumeOutcome => ({
    requested: true,
    ok: false,
    replayed: 0,
    reason,
  });
  if (!resume) return { requested: false, ok: false, replayed: 0, reason: 'not_requested' };
  if (resume.epoch !== epoch) return failed('epoch_mismatch');
  if (resume.seq < oldest - 1) return failed('too_old');
  if (resume.seq > head) return failed('ahead');
  return { requested: true, ok: true, replayed: 0 };
}
