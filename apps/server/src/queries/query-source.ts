import type { DnstapSupport } from '../dnstap/dnstap-support.js';

export type QuerySourceSetting = 'auto' | 'dnstap' | 'querylog';
export type QuerySourceKind = 'dnstap' | 'querylog' | 'none';

/** Where the query facts come from, and why (shown in `bind_status` and the store status). */
export interface QuerySourceChoice {
  source: QuerySourceKind;
  reason: string;
}

/**
 * HDNS_QUERY_SOURCE against what `named -V` says. `auto` takes dnstap when the build has it
 * and falls back to the text query log otherwise; `dnstap` on a build without it also falls
 * back (the server must keep serving and logging), saying so in the reason.
 */
export function chooseQuerySource(
  setting: QuerySourceSetting,
  support: DnstapSupport,
): QuerySourceChoice {
  if (setting === 'querylog') {
    return { source: 'querylog', reason: 'HDNS_QUERY_SOURCE=querylog' };
  }
  if (support.supported) {
    return {
      source: 'dnstap',
      reason: setting === 'dnstap' ? 'HDNS_QUERY_SOURCE=dnstap' : 'named -V shows --enable-dnstap',
    };
  }
  const why =
    support.error !== undefined
      ? `dnstap support unknown (${support.error})`
      : 'named -V shows no --enable-dnstap';
  return {
    source: 'querylog',
    reason: setting === 'dnstap' ? `HDNS_QUERY_SOURCE=dnstap, but ${why}` : why,
  };
}
