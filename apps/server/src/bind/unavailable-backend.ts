import type { DnsBackend } from '../dns/dns-backend.js';
import { AppError } from '../http/app-error.js';

/**
 * The backend of an instance that may not drive BIND right now (HDNS_BIND_LEASE: another
 * instance holds the lease, or this one is still starting named after taking it). Every change
 * fails with BIND_UNAVAILABLE and Retry-After, so the DNS services roll back and store nothing.
 * Writes normally never get here: lease-forward.ts hands them to the holder first.
 */
export function unavailableBackend(why: string): DnsBackend {
  const refuse = (): Promise<never> =>
    Promise.reject(
      new AppError('BIND_UNAVAILABLE', undefined, {
        message: `BIND is not driven by this instance: ${why}`,
        headers: { 'retry-after': '2' },
      }),
    );
  return {
    mode: 'managed',
    appliedSerial: () => undefined,
    applyZone: refuse,
    restoreZone: refuse,
    removeZone: refuse,
    setForwarders: refuse,
    setServerSettings: refuse,
    setReplication: refuse,
    applyRpz: refuse,
    restoreRpz: refuse,
    setAllowlist: refuse,
    setFeedZones: refuse,
    reloadFeedZone: refuse,
  };
}
