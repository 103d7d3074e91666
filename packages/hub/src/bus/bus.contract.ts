import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../event-log/event-log.contract.js';
import type { LoggedEvent, NewEvent } from '../event-log/event-log.js';
import type { Bus } from './bus.js';

/**
 * Two instances' buses on one channel, driven as the hub drives them: `publish` logs the event
 * in the instance's event log (which assigns the seq) and then publishes it on that instance's
 * bus (EventPublisher). A bus that follows the log's own stream (RedisBus) is passed the same
 * way as one that carries what it is handed (MemoryBus).
 */
export interface BusHarness {
  a: Bus;
  b: Bus;
  publish(from: Bus, event: NewEvent): Promise<LoggedEvent>;
  /** Closes whatever the harness opened besides the buses (logs, connections). */
  close(): Promise<void>;
}

async function eventually(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** One suite every Bus implementation must pass. */
export function describeBusContract(name: string, harness: () => Promise<BusHarness>): void {
  const settle = () => new Promise((r) => setTimeout(r, 100));
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  describe(`Bus contract: ${name}`, () => {
    it('delivers every event, in order, to every subscriber of every instance', async () => {
      const h = await harness();
      const gotA: number[] = [];
      const gotB: number[] = [];
      h.a.subscribe((e) => gotA.push(e.seq));
      h.b.subscribe((e) => gotB.push(e.seq));
      for (let i = 1; i <= 100; i++) await h.publish(i % 3 ? h.a : h.b, sampleEvent());
      await eventually(() => gotA.length >= 100 && gotB.length >= 100, '100 events on both');
      await settle();
      expect(gotA).toEqual(upTo(100));
      expect(gotB).toEqual(upTo(100));
      await Promise.all([h.a.close(), h.b.close()]);
      await h.close();
    });

    it('concurrent publishers: both instances see one order, each event exactly once', async () => {
      const h = await harness();
      const gotA: LoggedEvent[] = [];
      const gotB: LoggedEvent[] = [];
      h.a.subscribe((e) => gotA.push(e));
      h.b.subscribe((e) => gotB.push(e));
      await Promise.all(
        upTo(200).map((i) => h.publish(i % 2 ? h.a : h.b, sampleEvent({ meta: { zone: null } }))),
      );
      await eventually(() => gotA.length >= 200 && gotB.length >= 200, '200 events on both');
      await settle();
      expect(gotA.map((e) => e.seq)).toEqual(upTo(200));
      expect(gotB.map((e) => e.id)).toEqual(gotA.map((e) => e.id));
      expect(new Set(gotA.map((e) => e.id)).size).toBe(200);
      await Promise.all([h.a.close(), h.b.close()]);
      await h.close();
    });

    it('unsubscribe and close stop delivery; close is idempotent', async () => {
      const h = await harness();
      const got: number[] = [];
      const off = h.b.subscribe((e) => got.push(e.seq));
      await h.publish(h.a, sampleEvent());
      await eventually(() => got.length === 1, 'the first event');
      off();
      await h.publish(h.a, sampleEvent());
      await settle();
      expect(got).toEqual([1]);
      await h.b.close();
      await h.b.close();
      await h.a.close();
      await h.close();
    });
  });
}
