import { describe, expect, it } from 'vitest';
import { MemoryBus } from './bus/memory-bus.js';
import type { EncodedEvent } from './encoded-event.js';
import type { LoggedEvent } from './event-log/event-log.js';
import { FanOut, type FanOutSession } from './fan-out.js';

function event(seq: number): LoggedEvent {
  return {
    id: `e${seq}`,
    seq,
    event: 'config_change',
    category: 'system',
    priority: 'normal',
    ts: '2026-01-01T00:00:00.000Z',
    data: {},
    meta: { actor: null, zone: null },
  } as unknown as LoggedEvent;
}

/** A session stand-in: holds what it was given until flushed; records flushes in `log`. */
class FakeSession implements FanOutSession {
  held: number[] = [];
  constructor(
    readonly name: string,
    private readonly log: string[],
    private readonly onFlush?: () => void,
  ) {}
  deliver(encoded: EncodedEvent): void {
    this.held.push(encoded.seq);
  }
  get needsFlush(): boolean {
    return this.held.length > 0;
  }
  flush(): void {
    this.log.push(`${this.name}:${this.held.join('+')}`);
    this.held = [];
    this.onFlush?.();
  }
}

function rig(
  count: number,
  options: ConstructorParameters<typeof FanOut>[1],
  onFirst?: () => void,
) {
  const bus = new MemoryBus();
  const log: string[] = [];
  const fanOut = new FanOut<FakeSession>(bus, options, () => undefined);
  const sessions = Array.from(
    { length: count },
    (_, i) => new FakeSession(`s${i}`, log, i === 0 ? onFirst : undefined),
  );
  for (const s of sessions) fanOut.subscribe(s, ['config_change']);
  const roundOver = (): Promise<void> =>
    new Promise((resolve) => {
      const poll = (): void => {
        if (log.length >= count) resolve();
        else setTimeout(poll, 1);
      };
      poll();
    });
  return { bus, log, fanOut, sessions, roundOver };
}

describe('FanOut flush rounds', () => {
  it('yields to the event loop between slices of sessions', async () => {
    const marks: string[] = [];
    const { bus, log, fanOut, roundOver } = rig(
      5,
      { batchDelayMs: 1, flushSlice: 2, sliceMs: 0 },
      () => {
        // Queued while the first slice runs: it must run before the next slice does.
        setImmediate(() => marks.push(`immediate after ${log.length} flushes`));
      },
    );
    await bus.publish(event(1));
    await roundOver();
    expect(log).toEqual(['s0:1', 's1:1', 's2:1', 's3:1', 's4:1']);
    expect(marks).toEqual(['immediate after 2 flushes']);
    fanOut.close();
  });

  it('flushes a whole round in one go when the slice covers it', async () => {
    const marks: string[] = [];
    const { bus, log, fanOut, roundOver } = rig(
      5,
      { batchDelayMs: 1, flushSlice: 50, sliceMs: 0 },
      () => {
        setImmediate(() => marks.push(`immediate after ${log.length} flushes`));
      },
    );
    await bus.publish(event(1));
    await roundOver();
    await new Promise((r) => setImmediate(r));
    expect(marks).toEqual(['immediate after 5 flushes']);
    fanOut.close();
  });

  it('leaves events dispatched during a round to the next round, none lost or doubled', async () => {
    let second = false;
    const { bus, log, fanOut, sessions } = rig(
      4,
      { batchDelayMs: 1, flushSlice: 1, sliceMs: 0 },
      () => {
        // Dispatched while the round is between slices: s0 was flushed, s1–s3 not yet.
        if (!second) setImmediate(() => void bus.publish(event(2)));
        second = true;
      },
    );
    await bus.publish(event(1));
    await new Promise<void>((resolve) => {
      const poll = (): void => {
        if (sessions.every((s) => !s.needsFlush) && log.length >= 5) resolve();
        else setTimeout(poll, 1);
      };
      poll();
    });
    const bySession = (name: string) =>
      log
        .filter((l) => l.startsWith(`${name}:`))
        .flatMap((l) => l.slice(name.length + 1).split('+'))
        .filter(Boolean);
    for (const s of sessions) expect(bySession(s.name)).toEqual(['1', '2']);
    fanOut.close();
  });

  it('stops a round in progress on close', async () => {
    const ref: { fanOut?: FanOut<FakeSession> } = {};
    const { bus, log, fanOut } = rig(6, { batchDelayMs: 1, flushSlice: 2, sliceMs: 0 }, () => {
      ref.fanOut?.close();
    });
    ref.fanOut = fanOut;
    await bus.publish(event(1));
    await new Promise((r) => setTimeout(r, 30));
    expect(log).toEqual(['s0:1', 's1:1']);
  });
});

describe('FanOut batching window', () => {
  it('widens after a burst of deliveries and reports it', async () => {
    // Rates in this test are tiny by design (tau 100 s): the widening does not depend on timing.
    const { bus, fanOut, roundOver, log } = rig(10, {
      batchDelayMs: 2,
      // flushShare 1: the rounds' cost (wall time, on a loaded machine) does not count here.
      adaptive: { widenFromPerSec: 0.1, tauMs: 100_000, maxFactor: 3, flushShare: 1 },
    });
    expect(fanOut.windowMs).toBe(2);
    for (let seq = 1; seq <= 30; seq++) await bus.publish(event(seq));
    await roundOver();
    log.length = 0;
    await bus.publish(event(31));
    expect(fanOut.windowMs).toBe(6);
    fanOut.close();
  });

  it('widens to keep costly rounds to a third of the time, summing a round over its slices', async () => {
    // Session 0's flush spins 30 ms while `spin` is on, in the first of ten slices (one session
    // each): a round spends at least that writing, and two such rounds make the next window at
    // least twice it (flushShare 1/3), far over the rate's 2 × 2 ms. One cheap round after them
    // brings it back under.
    let spin = true;
    const spinning = (): void => {
      const until = performance.now() + 30;
      while (spin && performance.now() < until);
    };
    const { bus, fanOut, roundOver, log } = rig(
      10,
      {
        batchDelayMs: 2,
        adaptive: { widenFromPerSec: 0.1, tauMs: 100_000, maxFactor: 2, busyMaxFactor: 1_000 },
        flushSlice: 1,
        sliceMs: 0,
      },
      spinning,
    );
    const round = async (from: number): Promise<void> => {
      log.length = 0;
      for (let seq = from; seq < from + 10; seq++) await bus.publish(event(seq));
      await roundOver();
    };
    await round(1);
    await round(11);
    expect(fanOut.windowMs).toBeGreaterThanOrEqual(60);
    spin = false;
    await round(21);
    expect(fanOut.windowMs).toBeLessThan(60);
    fanOut.close();
  });

  it('stays at the configured window at a low rate', async () => {
    const { bus, fanOut } = rig(10, { batchDelayMs: 2 });
    for (let seq = 1; seq <= 30; seq++) await bus.publish(event(seq));
    expect(fanOut.windowMs).toBe(2);
    fanOut.close();
  });
});
