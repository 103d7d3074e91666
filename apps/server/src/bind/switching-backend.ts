import type { DnsBackend } from '../dns/dns-backend.js';

/**
 * A backend that delegates every call to whichever backend `current` returns at that moment.
 * The DNS services hold one backend for their lifetime; under HDNS_BIND_LEASE the real one
 * changes as the lease comes and goes (managed while held, unavailable otherwise).
 */
export function switchingBackend(current: () => DnsBackend): DnsBackend {
  return {
    get mode() {
      return current().mode;
    },
    appliedSerial: (zone) => current().appliedSerial(zone),
    applyZone: (zone, records) => current().applyZone(zone, records),
    restoreZone: (zone, records) => current().restoreZone(zone, records),
    removeZone: (zone) => current().removeZone(zone),
    setForwarders: (forwarders, opts) => current().setForwarders(forwarders, opts),
    setServerSettings: (settings, opts) => current().setServerSettings(settings, opts),
    setReplication: (spec, opts) => current().setReplication(spec, opts),
    applyRpz: (rules) => current().applyRpz(rules),
    restoreRpz: (rules) => current().restoreRpz(rules),
    setAllowlist: (domains) => current().setAllowlist(domains),
    setFeedZones: (feeds) => current().setFeedZones(feeds),
    reloadFeedZone: (feed) => current().reloadFeedZone(feed),
  };
}
