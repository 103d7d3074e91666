import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A promise-chain mutex per key: tasks with the same key run one after another in call order,
 * tasks with different keys run concurrently. A failed task does not poison the chain. Keys
 * whose chain drained are forgotten, so the map does not grow with every zone ever touched.
 *
 * Re-entrant: a task that already holds a key (it runs inside `run(key)`, or calls code that
 * does) runs at once when it asks for the key again. That is what lets one registry hold the
 * per-zone locks: the DNS services hold a zone's lock while they read, apply and store, and the
 * BIND writer they call takes the same lock (a no-op for them, a real wait for anyone else, such
 * as a re-render of every zone before named restarts).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();
  /** The keys the current async call chain holds. */
  private readonly held = new AsyncLocalStorage<ReadonlySet<string>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const mine = this.held.getStore();
    // Started at once; a synchronous throw still becomes a rejection.
    if (mine?.has(key)) return new Promise<T>((resolve) => resolve(task()));
    const holding = new Set(mine).add(key);
    const enter = (): Promise<T> => this.held.run(holding, task);
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(enter, enter);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Runs `task` holding every key (acquired in sorted order, so two callers never deadlock). */
  runAll<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const step = (i: number): Promise<T> => {
      const key = sorted[i];
      return key === undefined ? task() : this.run(key, () => step(i + 1));
    };
    return step(0);
  }

  get size(): number {
    return this.tails.size;
  }
}
