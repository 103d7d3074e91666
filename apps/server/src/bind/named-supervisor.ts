import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../http/app-error.js';
import type { BindBinaries } from './bind-binaries.js';
import { DEFAULT_RNDC_KEY_NAME, type BindLayout } from './bind-layout.js';
import type { BindTools } from './bind-tools.js';
import { logExcerpt } from './log-excerpt.js';
import { ensureRndcKey } from './rndc-key.js';
import { toolEnv } from './tool-env.js';

/**
 * Runs the app's own `named` (managed mode) as a child process and keeps it running.
 *
 * start(): rndc key (generated once) → `writeConfig()` (named.conf and zone files, e.g.
 * ZoneWriter.bootstrap) → `named -c D/named.conf -f -n 1 -L D/logs/named.log [-u USER]` →
 * wait until `rndc status` answers. `-f` keeps it in the foreground without `-g` (which would
 * send all logging to stderr and leave the query log empty); `-L` puts start-up errors (before
 * named.conf's logging applies) into named.log, which the start error quotes.
 * Returns `stop`.
 *
 * An unexpected exit is reported (`exited` with the delay) and followed by a restart with
 * exponential backoff (`restarted` once rndc answers again). Every restart runs `writeConfig()`
 * first, as start does: named must load what the database holds, not whatever a write that
 * failed as named hung or died left on disk (a restart whose `writeConfig()` fails counts as a
 * failed restart). A run that lasted `stableAfterMs` resets the backoff; after `maxAttempts`
 * failed restarts in a row it reports `gave_up`.
 *
 * stop(): SIGTERM, SIGKILL after `stopTimeoutMs`; resolves when named has exited. Idempotent.
 * Should the Node process itself exit, named is killed with it (an `exit` hook), so no orphan
 * keeps the ports.
 */

export type SupervisorEvent =
  /** `asRoot`: named runs with root privileges (no `-u` while the app runs as root). */
  | { type: 'started'; pid: number; asRoot: boolean }
  | { type: 'exited'; code: number | null; signal: string | null; restartInMs: number | null }
  | { type: 'restarted'; pid: number; attempt: number }
  | { type: 'gave_up'; reason: string; attempts: number };

export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
  stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxAttempts: 5,
  stableAfterMs: 30_000,
};

export interface NamedSupervisorOptions {
  binaries: Pick<BindBinaries, 'named' | 'rndcConfgen'>;
  layout: BindLayout;
  tools: BindTools;
  rndcKeyName?: string;
  /**
   * Writes named.conf (and zone files) from the truth before every launch (start and each
   * restart); runs after the key exists.
   */
  writeConfig: () => Promise<void>;
  /** Passed as `named -u USER` (the data dir must then be writable by that user). */
  runAsUser?: string;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  restart?: Partial<RestartPolicy>;
  onEvent?: (event: SupervisorEvent) => void;
}

type Phase = 'idle' | 'starting' | 'running' | 'waiting' | 'stopping' | 'stopped' | 'gave_up';

export class NamedSupervisor {
  private phase: Phase = 'idle';
  private child: ChildProcess | null = null;
  private childExit: Promise<void> = Promise.resolve();
  private output = '';
  private startedAt = 0;
  private attempts = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopping: Promise<void> | null = null;
  private readonly policy: RestartPolicy;
  private readonly killOnExit = (): void => {
    this.child?.kill('SIGKILL');
  };

  constructor(private readonly opts: NamedSupervisorOptions) {
    this.policy = { ...DEFAULT_RESTART_POLICY, ...opts.restart };
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get state(): Phase {
    return this.phase;
  }

  async start(): Promise<() => Promise<void>> {
    if (this.phase !== 'idle') throw new Error(`named supervisor already ${this.phase}`);
    this.phase = 'starting';
    const { layout } = this.opts;
    try {
      await mkdir(layout.logsDir, { recursive: true });
      await mkdir(layout.zonesDir, { recursive: true });
      await ensureRndcKey({
        rndcConfgen: this.opts.binaries.rndcConfgen,
        keyFile: layout.rndcKey,
        keyName: this.opts.rndcKeyName ?? DEFAULT_RNDC_KEY_NAME,
        confFile: layout.rndcConf,
      });
    } catch (err) {
      this.phase = 'idle';
      throw err;
    }
    if (await this.answers()) {
      this.phase = 'idle';
      throw new AppError(
        'BIND_UNAVAILABLE',
        { reason: 'rndc port taken' },
        {
          message: 'Another named already answers on the rndc port (a stale instance?)',
        },
      );
    }
    try {
      await this.opts.writeConfig();
      const pid = await this.launch();
      const asRoot = process.getuid?.() === 0 && !this.opts.runAsUser;
      this.opts.onEvent?.({ type: 'started', pid, asRoot });
    } catch (err) {
      this.phase = 'idle';
      throw err;
    }
    return () => this.stop();
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.phase = 'stopping';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const killTimer = setTimeout(() => child.kill('SIGKILL'), this.opts.stopTimeoutMs ?? 5000);
      child.kill('SIGTERM');
      await this.childExit;
      clearTimeout(killTimer);
    }
    this.phase = 'stopped';
  }

  private async answers(): Promise<boolean> {
    try {
      return (await this.opts.tools.status()).running;
    } catch {
      return false;
    }
  }

  private spawnNamed(): ChildProcess {
    const { layout } = this.opts;
    const args = ['-c', layout.namedConf, '-f', '-n', '1', '-L', layout.namedLog];
    if (this.opts.runAsUser) args.push('-u', this.opts.runAsUser);
    // A clean environment: named never sees the server's secrets (tool-env.ts).
    const child = spawn(this.opts.binaries.named, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: toolEnv(),
    });
    this.output = '';
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-4096);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    process.once('exit', this.killOnExit);
    this.childExit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        process.removeListener('exit', this.killOnExit);
        resolve();
        this.onExit(child, code, signal);
      });
      child.once('error', (err) => {
        keep(Buffer.from(String(err)));
        if (child.pid === undefined) {
          process.removeListener('exit', this.killOnExit);
          resolve();
          this.onExit(child, null, null);
        }
      });
    });
    this.child = child;
    return child;
  }

  /** Spawns named and resolves with its pid once rndc answers; kills it on failure. */
  private async launch(): Promise<number> {
    this.phase = 'starting';
    const child = this.spawnNamed();
    let exited = false;
    void this.childExit.then(() => (exited = true));
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 10_000);
    while (!exited && Date.now() < deadline && this.stopping === null) {
      if (await this.answers()) {
        this.phase = 'running';
        this.startedAt = Date.now();
        return child.pid ?? -1;
      }
      await sleep(100);
    }
    if (!exited) {
      child.kill('SIGKILL');
      await this.childExit;
    }
    const log = await logExcerpt(this.opts.layout.namedLog, null, 10);
    const reason =
      this.stopping !== null ? 'stopped while starting' : exited ? 'named exited' : 'timeout';
    throw new AppError(
      'BIND_UNAVAILABLE',
      {
        reason,
        exitCode: child.exitCode,
        signal: child.signalCode,
        stderr: this.output.trim(),
        log,
      },
      { message: `named did not start (${reason}): ${mostTelling(log) ?? this.output.trim()}` },
    );
  }

  private onExit(child: ChildProcess, code: number | null, signal: string | null): void {
    if (child !== this.child || this.phase !== 'running') return; // stop, or a failed launch
    this.scheduleRestart(code, signal);
  }

  private scheduleRestart(code: number | null, signal: string | null): void {
    if (this.phase === 'running' && Date.now() - this.startedAt >= this.policy.stableAfterMs) {
      this.attempts = 0;
    }
    this.attempts += 1;
    if (this.attempts > this.policy.maxAttempts) {
      this.phase = 'gave_up';
      this.opts.onEvent?.({ type: 'exited', code, signal, restartInMs: null });
      this.opts.onEvent?.({
        type: 'gave_up',
        reason: `named exited ${this.policy.maxAttempts + 1} times in a row`,
        attempts: this.attempts - 1,
      });
      return;
    }
    const delay = Math.min(
      this.policy.maxDelayMs,
      this.policy.initialDelayMs * 2 ** (this.attempts - 1),
    );
    this.phase = 'waiting';
    this.opts.onEvent?.({ type: 'exited', code, signal, restartInMs: delay });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.restart();
    }, delay);
  }

  private async restart(): Promise<void> {
    if (this.stopping !== null) return;
    try {
      await this.opts.writeConfig();
      if (this.stopping !== null) return;
      const pid = await this.launch();
      this.opts.onEvent?.({ type: 'restarted', pid, attempt: this.attempts });
    } catch {
      if (this.stopping !== null) return;
      this.scheduleRestart(this.child?.exitCode ?? null, this.child?.signalCode ?? null);
    }
  }
}

/** The log line that best explains a failed start: the last error, else critical, else last. */
function mostTelling(lines: string[]): string | undefined {
  const last = (re: RegExp): string | undefined => lines.filter((l) => re.test(l)).at(-1);
  return last(/: error: /) ?? last(/: critical: (?!exiting)/) ?? lines.at(-1);
}
