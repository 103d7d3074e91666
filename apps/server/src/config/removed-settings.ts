import { toBool } from './setting-kinds.js';

/**
 * Settings that no longer exist and would be dangerous to ignore silently, each with what to
 * use instead. A value that asks for nothing the new settings would not give anyway (e.g.
 * HDNS_TRUST_PROXY=false) is accepted, so an old compose file keeps starting.
 */
const REMOVED: Readonly<Record<string, { harmless: (value: unknown) => boolean; use: string }>> = {
  HDNS_TRUST_PROXY: {
    harmless: (value) => toBool(value) === false,
    use:
      'it trusted X-Forwarded-For from anyone, so a client could pick its own address. ' +
      'Set HDNS_TRUSTED_PROXIES to the addresses or CIDRs of your reverse proxies instead ' +
      '(e.g. HDNS_TRUSTED_PROXIES=127.0.0.1 when the proxy runs on this host)',
  },
  HDNS_LOGIN_MAX_FAILURES_PER_USER: {
    harmless: () => false,
    use:
      'a username is no longer locked (a stranger could lock the admin out). Use ' +
      'HDNS_LOGIN_MAX_FAILURES_PER_IP_USER for the per-(address, username) limit and ' +
      'HDNS_LOGIN_SLOWDOWN_AFTER / HDNS_LOGIN_SLOWDOWN_MAX for the per-username slow-down',
  },
};

export const REMOVED_SETTING_NAMES: readonly string[] = Object.keys(REMOVED);

export function isRemovedSetting(name: string): boolean {
  return Object.hasOwn(REMOVED, name);
}

/** The problem to report for a removed setting given this value, or null when it is harmless. */
export function removedSettingProblem(name: string, value: unknown): string | null {
  const removed = Object.hasOwn(REMOVED, name) ? REMOVED[name] : undefined;
  if (!removed || removed.harmless(value)) return null;
  return `${name} was removed: ${removed.use}`;
}
