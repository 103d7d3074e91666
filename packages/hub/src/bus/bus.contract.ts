import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../event-log/event-log.contract.js';
import type { LoggedEvent } from '../event-log/event-log.js';
import type { Bus } from './bus.js';

/** One suite every Bus implementation must pass. `pair` gives two buses on the same channel. */
export function describeBusContract(name: string, pair: () => Promise<[Bus, Bus]>): void {
  const logged = (seq: number): LoggedEvent => ({ ...sampleEvent(), seq });
  const settle = () => new Promise((r) => setTimeout(r, 50));

  describe(`Bus contract: ${name}`, () => {
    it('delivers every event, in order, to every subscriber of every instance', async () => {
      const [a, b] = await pair();
      const gotA: number[] = [];
      const gotB: number[] = [];
      a.subscribe((e) => gotA.push(e.seq));
      b.subscribe((e) => gotB.push(e.seq));
      for (let i = 1; i <= 100; i++) await a.publish(logged(i));
      await settle();
      const want = Array.from({ length: 100 }, (_, i) => i + 1);
      expect(gotA).toEqual(want);
      expect(gotB).toEqual(want);
      await Promise.all([a.close(), b.close()]);
    });

    it('unsubscribe and close stop delivery; close is idempotent', async () => {
      const [a, b] = await pair();
      const got: number[] = [];
      const off = b.subscribe((e) => got.push(e.seq));
      await a.publish(logged(1));
      await settle();
      off();
      await a.publish(logged(2));
      await settle();
      expect(got).toEqual([1]);
      await b.close();
      await b.close();
      await a.close();
    });
  });
}
