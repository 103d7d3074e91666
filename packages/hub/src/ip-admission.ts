import { addressKey } from './address-key.js';

export interface IpAdmissionOptions {
  /** Open connections allowed from one address. */
  maxConnectionsPerIp: number;
  /** Connection attempts allowed from one address per window. */
  maxAttemptsPerIp: number;
  attemptWindowMs: number;
}

export const DEFAULT_IP_ADMISSION: IpAdmissionOptions = {
  maxConnectionsPerIp: 200,
  maxAttemptsPerIp: 300,
  attemptWindowMs: 60_000,
};

export type AdmissionResult =
  | { ok: true; release: () => void }
  | { ok: false; reason: 'too_many_attempts' | 'too_many_connections' };

/**
 * Per-address limits checked before a WebSocket upgrade is accepted, so a flood of attempts
 * costs a counter and an HTTP 429, not a socket and a session.
 *
 * Addresses are counted under `addressKey` (IPv6 per /64, IPv4-mapped as IPv4), the same key
 * REST rate limiting and login limits use, so a host cannot rotate addresses inside its /64 to
 * get fresh connection and attempt budgets.
 */
export class IpAdmission {
  private readonly open = new Map<string, number>();
  private readonly attempts = new Map<string, { count: number; windowStart: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly options: IpAdmissionOptions = DEFAULT_IP_ADMISSION,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), options.attemptWindowMs);
    this.sweeper.unref();
  }

  admit(ip: string): AdmissionResult {
    const key = addressKey(ip);
    const t = this.now();
    let a = this.attempts.get(key);
    if (!a || t - a.windowStart >= this.options.attemptWindowMs) {
      a = { count: 0, windowStart: t };
      this.attempts.set(key, a);
    }
    if (++a.count > this.options.maxAttemptsPerIp)
      return { ok: false, reason: 'too_many_attempts' };
    const openNow = this.open.get(key) ?? 0;
    if (openNow >= this.options.maxConnectionsPerIp) {
      return { ok: false, reason: 'too_many_connections' };
    }
    this.open.set(key, openNow + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const n = (this.open.get(key) ?? 1) - 1;
        if (n > 0) this.open.set(key, n);
        else this.open.delete(key);
      },
    };
  }

  /** Open connections counted under the key of `ip` (its /64 for IPv6). */
  openFrom(ip: string): number {
    return this.open.get(addressKey(ip)) ?? 0;
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const t = this.now();
    for (const [key, a] of this.attempts) {
      if (t - a.windowStart >= this.options.attemptWindowMs) this.attempts.delete(key);
    }
  }
}
