import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResumeTracker } from './resume-tracker.js';

const welcome = (
  epoch: string,
  seq: number,
  resume: {
    requested: boolean;
    ok: boolean;
    replayed?: number;
    reason?: 'epoch_mismatch' | 'too_old' | 'ahead' | 'not_requested';
  },
) => ({ position: { epoch, seq }, resume: { replayed: 0, ...resume } });

/** Runs one batch through the tracker the way RealtimeClient does; returns delivered seqs. */
function batch(t: ResumeTracker, seqs: number[], through: number, critical = false): number[] {
  const events = seqs.map((seq) => ({ seq, priority: critical ? 'critical' : 'normal' }) as const);
  return t.batch(events, through).map((e) => e.seq);
}

function fresh(seq = 0, epoch = 'e1'): ResumeTracker {
  const t = new ResumeTracker();
  expect(t.welcome(welcome(epoch, seq, { requested: false, ok: false }), undefined)).toEqual({
    kind: 'fresh',
  });
  return t;
}

describe('ResumeTracker', () => {
  it('has no position before the first welcome, then starts at the head', () => {
    const t = new ResumeTracker();
    expect(t.position).toBeUndefined();
    expect(t.resumeFrom()).toBeUndefined();
    t.welcome(welcome('e1', 41, { requested: false, ok: false }), undefined);
    expect(t.position).toEqual({ epoch: 'e1', seq: 41 });
  });

  it('takes the highest through as position, and drops anything at or below it', () => {
    const t = fresh();
    expect(batch(t, [1, 2, 3], 3)).toEqual([1, 2, 3]);
    expect(t.position?.seq).toBe(3);
    expect(batch(t, [2, 3, 4], 5)).toEqual([4]); // overlap dropped; 5 was not for us
    expect(t.position?.seq).toBe(5);
    expect(batch(t, [5], 4)).toEqual([]); // a stale watermark never moves it back
    expect(t.position?.seq).toBe(5);
  });

  it('delivers a critical event that overtakes the watermark once, then drops its replay', () => {
    const t = fresh(10);
    expect(batch(t, [15], 10, true)).toEqual([15]); // critical, ahead of queued 11..14
    expect(t.position?.seq).toBe(10);
    expect(t.pending).toBe(1);
    expect(batch(t, [11, 12], 12)).toEqual([11, 12]);
    expect(batch(t, [13, 14, 15, 16], 16)).toEqual([13, 14, 16]);
    expect(t.pending).toBe(0); // pruned once through passed it
  });

  it('does not take the watermark of a batch made only of critical events', () => {
    // The hub's replay stamps a critical batch with the replay cursor (here 154) while 151..153
    // are still queued: taking it would drop them as duplicates.
    const t = fresh(150);
    expect(batch(t, [154], 154, true)).toEqual([154]);
    expect(t.position?.seq).toBe(150);
    expect(batch(t, [151, 152, 153, 155], 155)).toEqual([151, 152, 153, 155]);
    expect(t.position?.seq).toBe(155);
    expect(t.pending).toBe(0);
  });

  it('resumes: keeps the position, the replay overlaps nothing already delivered', () => {
    const t = fresh(0);
    batch(t, [1, 2], 2);
    batch(t, [7], 2, true); // critical delivered ahead, then the socket dropped
    const from = t.resumeFrom();
    expect(from).toEqual({ epoch: 'e1', seq: 2 });
    const outcome = t.welcome(welcome('e1', 9, { requested: true, ok: true, replayed: 7 }), from);
    expect(outcome).toEqual({ kind: 'resumed', replayed: 7 });
    expect(t.position).toEqual({ epoch: 'e1', seq: 2 });
    expect(batch(t, [3, 4, 5, 6, 7, 8, 9], 9)).toEqual([3, 4, 5, 6, 8, 9]);
  });

  it.each(['epoch_mismatch', 'too_old', 'ahead'] as const)(
    'a failed resume (%s) is a resync: the position jumps to the head, dedupe state resets',
    (reason) => {
      const t = fresh(0);
      batch(t, [1, 2], 2);
      batch(t, [40], 2, true);
      const from = t.resumeFrom();
      const epoch = reason === 'epoch_mismatch' ? 'e2' : 'e1';
      const outcome = t.welcome(welcome(epoch, 30, { requested: true, ok: false, reason }), from);
      expect(outcome).toEqual({ kind: 'resync', reason, previous: { epoch: 'e1', seq: 2 } });
      expect(t.position).toEqual({ epoch, seq: 30 });
      expect(t.pending).toBe(0);
      expect(batch(t, [30, 31], 31)).toEqual([31]);
    },
  );

  it('treats a new epoch as a reset even without a reason from the server', () => {
    const t = fresh(5);
    const outcome = t.welcome(welcome('e2', 0, { requested: true, ok: false }), t.resumeFrom());
    expect(outcome).toMatchObject({ kind: 'resync', reason: 'epoch_mismatch' });
    expect(batch(t, [1], 1)).toEqual([1]); // seq 1 of the new epoch is new
  });

  it('never delivers twice and never skips, across drops, replays and critical overtakes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 400 }),
        (critical, choices) => {
          const log = critical.map((c, i) => ({ seq: i + 1, critical: c }));
          const t = fresh(0);
          const delivered: number[] = [];
          let k = 0;
          const next = (): number => choices[k++ % choices.length] ?? 0;
          for (let conn = 0; conn < 8; conn++) {
            const last = conn === 7;
            const from = t.resumeFrom();
            if (conn > 0) {
              t.welcome(welcome('e1', log.length, { requested: true, ok: true }), from);
            }
            const done = runConnection(t, log, from?.seq ?? 0, next, last, delivered);
            if (done) break;
          }
          const sorted = [...delivered].sort((a, b) => a - b);
          expect(sorted).toEqual(log.map((e) => e.seq)); // each exactly once
          const normal = delivered.filter((s) => !log[s - 1]?.critical);
          expect(normal).toEqual([...normal].sort((a, b) => a - b)); // in order
        },
      ),
      { numRuns: 300 },
    );
  });
});

/**
 * Plays the hub's side of one connection starting after `position`: regular batches of
 * non-critical events in seq order, each with `through` = (first unsent seq) − 1, and critical
 * events on their own, at any time, with an arbitrary watermark. Returns false when the
 * connection dropped before everything was sent.
 */
function runConnection(
  t: ResumeTracker,
  log: { seq: number; critical: boolean }[],
  position: number,
  next: () => number,
  last: boolean,
  delivered: number[],
): boolean {
  const remaining = log.filter((e) => e.seq > position);
  const sent = new Set<number>();
  const unsent = () => remaining.filter((e) => !sent.has(e.seq));
  const through = (): number => {
    const first = unsent()[0];
    return first ? first.seq - 1 : (remaining.at(-1)?.seq ?? position);
  };
  const receive = (seqs: number[], w: number, critical: boolean): void => {
    for (const s of seqs) sent.add(s);
    delivered.push(...batch(t, seqs, w, critical));
  };
  while (unsent().length > 0) {
    const c = next();
    if (!last && c % 9 === 0) return false; // socket dropped
    const critical = unsent().filter((e) => e.critical);
    const regular = unsent().filter((e) => !e.critical);
    if (critical.length > 0 && (regular.length === 0 || c % 3 === 0)) {
      // The bypass path: its watermark may be anything (the hub's replay overstates it).
      const pick = critical[c % critical.length];
      if (pick) receive([pick.seq], c % (log.length + 1), true);
      continue;
    }
    const seqs = regular.slice(0, 1 + (c % 5)).map((e) => e.seq);
    for (const s of seqs) sent.add(s);
    receive(seqs, through(), false);
  }
  return true;
}
