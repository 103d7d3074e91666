/**
 * What the dashboard's query rates and zone count measure, in words a DNS admin can check.
 *
 * Two rates are shown and they differ on purpose:
 * - the big number of "Queries per second" is query_stats: the queries this server saw (from
 *   dnstap or named's query log) in its shortest window, the last complete second; the server
 *   also publishes a longer window (60 s), whose average is shown beside it;
 * - the BIND card's rate is bind_status: named's own request counters (nsstats Requestv4 +
 *   Requestv6) averaged between two readings of the statistics channel (every 10 s by
 *   default, HDNS_BIND_STATUS_INTERVAL).
 */

/** 1 → "last second", 60 → "last 60 s". */
export function windowLabel(windowSec: number): string {
  return windowSec === 1 ? 'last second' : `last ${windowSec} s`;
}

/** A query_stats window: its length and its queries per second. */
interface Window {
  windowSec: number;
  qps: number;
}

/**
 * The caption of the big qps number: which window it is, and the longest window's average when
 * there is a longer one ("last second · 60 s average 2.2/s").
 */
export function qpsCaption(
  shown: Window | undefined,
  longest: Window | undefined,
  format: (v: number) => string,
): string {
  if (!shown) return '';
  const caption = windowLabel(shown.windowSec);
  if (!longest || longest.windowSec <= shown.windowSec) return caption;
  return `${caption} · ${longest.windowSec} s average ${format(longest.qps)}/s`;
}

/** The note under named's request rate (bind_status.qps). */
export const BIND_RATE_NOTE =
  "named's counter, average since its previous reading (10 s by default)";

/**
 * named's zone count (rndc status "number of zones", less its automatic empty zones) includes
 * zones it keeps for itself: the response-policy zones (rpz.local, the allowlist, one per
 * blocklist feed), the catalog zone and one managed-keys zone per view.
 */
export const ZONES_NOTE =
  "includes named's internal zones (response-policy, catalog, managed-keys)";
