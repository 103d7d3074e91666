/**
 * A promise-chain mutex per key: tasks with the same key run one after another in call order,
 * tasks with different keys run concurrently. A failed task does not poison the chain. Keys
 * whose chain drained are forgotten, so the map does not grow with every zone ever touched.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
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
