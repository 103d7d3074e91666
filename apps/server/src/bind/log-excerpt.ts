import { open } from 'node:fs/promises';

const CONTROL_ECHO = 'received control channel command';

/**
 * The last lines of a log file that mention `needle` (or all last lines without one), read from
 * the file's tail only. For error details ("why did BIND not load it?"); never throws.
 */
export async function logExcerpt(
  file: string,
  needle: string | null,
  maxLines = 5,
  tailBytes = 16_384,
): Promise<string[]> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - tailBytes);
      const buf = Buffer.alloc(size - start);
      await handle.read(buf, 0, buf.length, start);
      const lines = buf.toString('utf8').split('\n').filter(Boolean);
      // named echoes every rndc command it receives, naming the zone: the confirm loop's own
      // `zonestatus` polls would otherwise be all the excerpt shows.
      const hits = lines.filter(
        (l) => !l.includes(CONTROL_ECHO) && (needle === null || l.includes(needle)),
      );
      return hits.slice(-maxLines);
    } finally {
      await handle.close();
    }
  } catch {
    return [];
  }
}
