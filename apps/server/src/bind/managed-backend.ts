import type { DnsBackend } from '../dns/dns-backend.js';
import type { ManagedBind } from './managed-bind.js';

/** The DNS backend over a managed named: every call goes through the checked zone writer. */
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
      return { serial: result.serial, durationMs };
    },
    async removeZone(zone) {
      await managed.writer.deleteZone(zone);
    },
    async setForwarders(forwarders) {
      await managed.writer.setForwarders(forwarders);
    },
    async applyRpz(rules) {
      const [result, durationMs] = await timed(() => managed.writer.putRpz(rules));
      return { serial: result.serial, durationMs };
    },
  };
}
