/**
 * Polling waits for tests. One copy for the whole tree: a condition that is not met in time
 * fails the test with what was awaited, never hangs it.
 */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What `check` returns while the condition does not hold yet. */
type NotYet = undefined | false;

/**
 * Polls `check` every `intervalMs` until it returns something other than undefined or false,
 * and returns that; rejects after `timeoutMs`. A boolean check resolves with `true`.
 */
export async function waitFor<T>(
  check: () => T | NotYet | Promise<T | NotYet>,
  timeoutMs = 10_000,
  what = 'condition',
  // Short: a check of in-memory state must not miss a state that lasts only a few ms.
  intervalMs = 5,
): Promise<Exclude<T, NotYet>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as Exclude<T, NotYet>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/**
 * Polls `read` until `ok` accepts its value, and returns that value; the timeout error shows
 * the last value read, which is what a failing browser or REST check needs to be understood.
 */
export async function waitForValue<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    }
    await sleep(intervalMs);
  }
}
