import type { DnsBackend } from '../dns/dns-backend.js';
import { faultPoint } from '../lib/fault-point.js';
import type { ManagedBind } from './managed-bind.js';

/**
 * The DNS backend over a managed named: every call goes through the checked zone writer.
 * `faultPoint('bind-after-apply')` marks the instant a change (zone, RPZ, global forwarders;
 * never a restore) is served but not yet stored by the caller (a crash there must heal at the
 * next start; see bind-crash-resync.test.ts).
 */
export function managedBackend(managed: ManagedBind): DnsBackend {
  const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const started = performance.now();
    const result = await work();
    return [result, Math.round(performance.now() - started)];
  };
  return {
    mode: 'managed',
    appliedSerial: (zone) => managed.writer.appliedSerial(zone),
    async applyZone(zone, records) {
      const [result, durationMs] = await timed(() => managed.writer.putZone(zone, records));
      faultPoint('bind-after-apply');
      return { serial: result.serial, durationMs };
    },
    async restoreZone(zone, records) {
      await managed.writer.putZone(zone, records, { restore: true });
    },
    async removeZone(zone) {
      await managed.writer.deleteZone(zone);
      faultPoint('bind-after-apply');
    },
    async setForwarders(forwarders, opts) {
      await managed.writer.setForwarders(forwarders, opts);
      if (!opts?.restore) faultPoint('bind-after-apply');
    },
    async setServerSettings(settings, opts) {
      await managed.writer.setServerSettings(settings, opts);
      if (!opts?.restore) faultPoint('bind-after-apply');
    },
    async setReplication(spec, opts) {
      await managed.writer.setReplication(spec, opts);
      if (!opts?.restore) faultPoint('bind-after-apply');
    },
    async applyRpz(rules) {
      const [result, durationMs] = await timed(() => managed.writer.putRpz(rules));
      faultPoint('bind-after-apply');
      return { serial: result.serial, durationMs };
    },
    async restoreRpz(rules) {
      await managed.writer.putRpz(rules, { restore: true });
    },
    async setAllowlist(domains) {
      await managed.writer.putAllowlist(domains);
    },
    async setFeedZones(feeds) {
      await managed.writer.setFeedZones(feeds);
    },
    async reloadFeedZone(feed) {
      const [result, durationMs] = await timed(() => managed.writer.reloadFeedZone(feed));
      return { serial: result.serial, durationMs };
    },
  };
}
