import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';

/**
 * CPU profile of this process's main thread around one measured window (same .cpuprofile
 * format as `node --cpu-prof`, which would also record start-up and tsx's loader thread).
 */
export async function profiled<T>(dir: string | undefined, body: () => Promise<T>): Promise<T> {
  if (!dir) return body();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    return await body();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, `ours-${process.pid}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
