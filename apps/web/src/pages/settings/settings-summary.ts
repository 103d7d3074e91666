/**
 * DNS settings as label → text rows, for the side-by-side view when someone else saved while
 * this form had unsaved edits. Lists read as BIND writes them (`a; b`), empty as `(none)`.
 */
import type { DnsNetworkSettings } from '@hdns/protocol/rest';

const list = (l: readonly string[]): string => (l.length > 0 ? l.join('; ') : '(none)');
const onOff = (b: boolean): string => (b ? 'on' : 'off');

export function settingsRows(s: DnsNetworkSettings): Record<string, string> {
  return {
    'Listen port': String(s.listen.port),
    'IPv4 listen': s.listen.ipv4.length > 0 ? list(s.listen.ipv4) : 'loopback only',
    'IPv6 listen': s.listen.ipv6.length > 0 ? list(s.listen.ipv6) : 'loopback only',
    'Allow query': list(s.allowQuery),
    'Allow recursion': list(s.allowRecursion),
    Recursion: onOff(s.recursion),
    'DNSSEC validation': s.dnssecValidation,
    'Forward policy': s.forwardPolicy,
    'Rate limiting': s.rateLimit.enabled
      ? `${s.rateLimit.responsesPerSecond}/s over ${s.rateLimit.window}s, slip ${s.rateLimit.slip}${
          s.rateLimit.logOnly ? ', log only' : ''
        }`
      : 'off',
    'Rate limit exempt': list(s.rateLimit.exemptClients),
  };
}

/** The rows of both, in order, with whether they differ. */
export function settingsDiff(
  mine: DnsNetworkSettings,
  current: DnsNetworkSettings,
): { label: string; mine: string; current: string; differs: boolean }[] {
  const a = settingsRows(mine);
  const b = settingsRows(current);
  return Object.keys(b).map((label) => ({
    label,
    mine: a[label] ?? '—',
    current: b[label] ?? '—',
    differs: a[label] !== b[label],
  }));
}
