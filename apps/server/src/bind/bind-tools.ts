import path from 'node:path';
import { AppError } from '../http/app-error.js';
import type { BindBinaries } from './bind-binaries.js';
import {
  parseRndcStatus,
  parseZoneStatus,
  type RndcStatus,
  type ZoneStatus,
} from './rndc-parsers.js';
import { runTool } from './run-tool.js';

/**
 * Thin wrappers over BIND's command-line tools, always with argument arrays and timeouts.
 *
 * Error contract of `rndc()`: the server answering with a failure (`rndc: 'reload' failed:
 * ...`) → AppError BIND_RELOAD_FAILED; anything else (connection refused, timeout, missing key
 * or binary) → AppError BIND_UNAVAILABLE. details = {command, message, exitCode}.
 *
 * rndc is pointed at an explicit config file (`-c`, see rndc-key.ts) rather than `-k`: with
 * `-k`, an /etc/bind/rndc.conf on the machine would silently take precedence.
 */

export interface RndcTarget {
  /** rndc.conf naming the key (`include "<key>"; options { default-key ...; };`). */
  confFile: string;
  host: string;
  port: number;
}

export interface BindToolsOptions {
  binaries: Pick<BindBinaries, 'rndc' | 'namedCheckzone' | 'namedCheckconf'>;
  rndc: RndcTarget;
  /** Per-invocation timeout; default 5000 ms. */
  timeoutMs?: number;
}

export interface CheckResult {
  ok: boolean;
  /** The checker's own words (`file:line: message` on failure), trimmed. */
  message: string;
}

/** named-checkzone's `-k`: what a host name that breaks check-names does to the check. */
export type CheckNames = 'fail' | 'warn' | 'ignore';

const SERVER_FAILURE = /^rndc: '[^']+' failed: /m;

export class BindTools {
  private readonly timeoutMs: number;

  constructor(private readonly opts: BindToolsOptions) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
  }

  /**
   * `named-checkzone -k MODE ZONE FILE`: BIND's own verdict on a zone file before it is served.
   * `checkNames` must be what named.conf gives the zone: named-checkzone only warns about a
   * host name such as `under_score` by default, while named's default for a primary zone is
   * `check-names primary fail` and it refuses to load the file, so a check without `-k fail`
   * passed files named then would not serve. Policy zones are configured `check-names ignore`;
   * in system mode the operator's named.conf decides, so `warn` keeps named-checkzone's default.
   */
  async checkZone(
    zone: string,
    file: string,
    checkNames: CheckNames = 'fail',
  ): Promise<CheckResult> {
    const r = await runTool(
      this.opts.binaries.namedCheckzone,
      ['-k', checkNames, zone, file],
      this.timeoutMs,
    );
    const message = `${r.stdout}${r.stderr}`.trim() || (r.spawnError ?? '');
    return { ok: r.code === 0, message };
  }

  /** `named-checkconf [-z] FILE`: silent on success. */
  async checkConf(file: string, loadZones = false): Promise<CheckResult> {
    const args = loadZones ? ['-z', file] : [file];
    const r = await runTool(this.opts.binaries.namedCheckconf, args, this.timeoutMs);
    const message = `${r.stdout}${r.stderr}`.trim() || (r.spawnError ?? '');
    return { ok: r.code === 0, message: r.code === 0 ? message || 'OK' : message };
  }

  /** Runs one rndc command and returns its stdout; see the error contract above. */
  async rndc(args: readonly string[]): Promise<string> {
    const { confFile, host, port } = this.opts.rndc;
    const full = ['-c', confFile, '-s', host, '-p', String(port), ...args];
    const r = await runTool(this.opts.binaries.rndc, full, this.timeoutMs);
    if (r.code === 0) return r.stdout;
    const message = (
      r.stderr ||
      r.stdout ||
      r.spawnError ||
      (r.timedOut ? 'timed out' : '')
    ).trim();
    const details = { command: args[0] ?? '', message, exitCode: r.code };
    // Only `rndc: 'CMD' failed: ...` comes from the server; anything else (refused, timeout,
    // missing key or binary) means we could not talk to it.
    if (r.timedOut || !SERVER_FAILURE.test(message)) {
      throw new AppError('BIND_UNAVAILABLE', details);
    }
    throw new AppError('BIND_RELOAD_FAILED', details, {
      message: `rndc ${details.command} failed: ${message}`,
    });
  }

  /** `rndc reload ZONE`: queues the reload (BIND loads asynchronously; confirm the serial). */
  async reloadZone(zone: string): Promise<string> {
    return (await this.rndc(['reload', zone])).trim();
  }

  /** `rndc reconfig`: re-reads named.conf, loading added zones and dropping removed ones. */
  async reconfig(): Promise<void> {
    await this.rndc(['reconfig']);
  }

  /** `rndc zonestatus ZONE`, parsed; null when BIND has no such zone. */
  async zoneStatus(zone: string): Promise<ZoneStatus | null> {
    try {
      return parseZoneStatus(await this.rndc(['zonestatus', zone]));
    } catch (err) {
      if (err instanceof AppError && err.code === 'BIND_RELOAD_FAILED') {
        const msg = (err.details as { message?: string } | undefined)?.message ?? '';
        if (/not found|no matching zone/i.test(msg)) return null;
      }
      throw err;
    }
  }

  async status(): Promise<RndcStatus> {
    return parseRndcStatus(await this.rndc(['status']));
  }
}

/** Replaces a staged file's path in a checker message by the final file's base name. */
export function tidyCheckMessage(message: string, stagedFile: string, finalFile: string): string {
  return message.split(stagedFile).join(path.basename(finalFile));
}
