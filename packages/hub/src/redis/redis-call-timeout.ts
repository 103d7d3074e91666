import { ClusterUnavailableError } from '../session-cluster.js';

/**
 * `promise`, or a ClusterUnavailableError after `ms` (`timedOut`) or when it fails (the
 * connection dropped, Redis refused: the cause is kept). node-redis queues commands while it
 * reconnects, so an await on Redis can last as long as the outage: callers that answer a
 * request, beat or shut down need an end. The command itself is not cancelled (it may still
 * run once Redis is back): only use this for steps that are safe to run late.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const message = `${what}: no answer from Redis in ${ms} ms`;
      reject(new ClusterUnavailableError(message, { timedOut: true }));
    }, ms);
  });
  const failed = promise.catch((err: unknown) => {
    if (err instanceof ClusterUnavailableError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new ClusterUnavailableError(`${what}: ${message}`, { cause: err });
  });
  return Promise.race([failed, expired]).finally(() => clearTimeout(timer));
}

/**
 * Raw commands still unanswered (those that timed out included). The heartbeat waits for its
 * own to settle before it sends more, so an outage does not pile beats into node-redis's
 * offline queue that would all run, stale, when Redis is back.
 */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  get size(): number {
    return this.pending.size;
  }

  track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    const done = (): void => {
      this.pending.delete(promise);
    };
    promise.then(done, done);
    return promise;
  }
}
