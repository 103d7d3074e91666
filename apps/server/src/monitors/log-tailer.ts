import { access } from 'node:fs/promises';
import TailFile from '@logdna/tail-file';
import { LineSplitter } from './line-splitter.js';
import { silentLogger, type MonitorLogger, type Stop } from './monitor-types.js';

/**
 * Follows a log file the way BIND writes it and hands over complete lines.
 *
 * - Starts at the end of the file (`from: 'end'`, default), at the beginning (`'start'`) or at
 *   a byte offset (a number, e.g. a position saved from `position()`).
 * - Rotation (`versions`/`size`: query.log → query.log.0, a new query.log): @logdna/tail-file
 *   notices the new inode, reads what was left in the old file through its open handle, then
 *   reads the new file from its start, so nothing is lost or read twice.
 * - Truncation in place (copytruncate): noticed when the file is shorter than the read
 *   position at a poll, then read from 0. Bytes written after the truncation that already make
 *   the file longer than the old position by the next poll cannot be told apart (inherent to
 *   polling); BIND itself never truncates.
 *   Limit (polling): if the file is rotated twice between two looks, the middle file is never
 *   seen. BIND rotates at `size` (20 MB here), so that takes millions of lines per second.
 * - A missing file (named not started yet, or gone for longer than the library's retries)
 *   is waited for every `retryMs`; a file that appears later is read from its start.
 *
 * Lines are delivered in file order through `onLine`; a trailing unfinished line is kept until
 * its newline arrives and is dropped on stop.
 */

export interface LogTailerOptions {
  path: string;
  onLine: (line: string) => void;
  from?: 'end' | 'start' | number;
  /** How often the file is polled for growth; default 250 ms. */
  pollIntervalMs?: number;
  /** How often a missing file is looked for; default 1000 ms. */
  retryMs?: number;
  maxLineLength?: number;
  /** Rotation and truncation notices (for logs and tests). */
  onNotice?: (notice: 'opened' | 'renamed' | 'truncated' | 'missing') => void;
  logger?: MonitorLogger;
}

export class LogTailer {
  private tail: TailFile | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private started = false;
  private lastPosition = 0;
  private readonly splitter: LineSplitter;
  private readonly logger: MonitorLogger;

  constructor(private readonly opts: LogTailerOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.splitter = new LineSplitter(opts.onLine, opts.maxLineLength);
  }

  /** Byte offset read so far in the current file (as of the last poll). */
  position(): number {
    return this.lastPosition;
  }

  start(): Stop {
    if (this.started) throw new Error('LogTailer already started');
    this.started = true;
    const from = this.opts.from ?? 'end';
    const startPos = from === 'end' ? null : from === 'start' ? 0 : from;
    this.openSafely(startPos);
    return () => this.stop();
  }

  private openSafely(startPos: number | null): void {
    this.open(startPos).catch((err: unknown) => {
      this.logger.error({ err, path: this.opts.path }, 'log tailer failed to open; retrying');
      this.retry(0);
    });
  }

  private async open(startPos: number | null): Promise<void> {
    if (this.stopped) return;
    try {
      await access(this.opts.path);
    } catch {
      this.opts.onNotice?.('missing');
      // A file created later holds nothing we have seen: read it from its start.
      this.retry(0);
      return;
    }
    const pollMs = this.opts.pollIntervalMs ?? 250;
    // While the name is missing (between BIND's rename and its new file) look again soon,
    // and give up (→ 'error' → our own wait loop) after about two seconds.
    const retryMs = Math.max(10, Math.min(100, pollMs));
    const tail = new TailFile(this.opts.path, {
      pollFileIntervalMs: pollMs,
      pollFailureRetryMs: retryMs,
      maxPollFailures: Math.ceil(2000 / retryMs),
      ...(startPos === null ? {} : { startPos }),
    });
    this.tail = tail;
    tail.on('data', (chunk: Buffer) => this.splitter.push(chunk));
    tail.on('flush', ({ lastReadPosition }: { lastReadPosition: number }) => {
      this.lastPosition = lastReadPosition;
    });
    tail.on('renamed', () => {
      this.logger.info({ path: this.opts.path }, 'log file rotated; following the new file');
      this.opts.onNotice?.('renamed');
    });
    tail.on('truncated', () => {
      this.logger.info({ path: this.opts.path }, 'log file truncated; reading from its start');
      this.opts.onNotice?.('truncated');
    });
    tail.on('tail_error', (err: Error) => {
      this.logger.warn({ err, path: this.opts.path }, 'log tail error');
    });
    // 'error' means the library gave up (file gone past its retries, EACCES): start over.
    tail.on('error', (err: Error) => {
      if (this.tail !== tail) return;
      this.tail = null;
      this.logger.warn({ err, path: this.opts.path }, 'log tail stopped; waiting for the file');
      this.opts.onNotice?.('missing');
      this.retry(0);
    });
    try {
      await tail.start();
      this.opts.onNotice?.('opened');
    } catch {
      if (this.tail === tail) this.tail = null;
      tail.destroy();
      this.retry(startPos ?? 0);
    }
    if (this.stopped && this.tail === tail) await this.quit(tail);
  }

  private retry(startPos: number): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.openSafely(startPos);
    }, this.opts.retryMs ?? 1000);
  }

  private async quit(tail: TailFile): Promise<void> {
    this.tail = null;
    // quit() reads what is left, but never settles if the file vanished mid-poll: bound it.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      tail.quit().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 1000);
      }),
    ]);
    clearTimeout(timer);
    tail.destroy();
  }

  private async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const tail = this.tail;
    if (tail) await this.quit(tail);
    this.splitter.reset();
  }
}
