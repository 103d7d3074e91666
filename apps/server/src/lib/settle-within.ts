/**
 * Waits for `work` to settle (fulfilled or rejected alike), or `ms` at most, and clears its
 * timer either way. For shutdown steps that talk to a service that may be away (Redis queues
 * commands while it reconnects, so an await on it may never end): a stop must finish within
 * the service manager's stop timeout whatever the service does. Never rejects.
 */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([
      work.then(
        () => undefined,
        () => undefined,
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
