import { int, seconds } from './setting-kinds.js';
import { setting, type SettingTree } from './setting.js';

/**
 * Thresholds of the detectors over the answered queries (monitors/query-detectors.ts); a
 * section of settings-table.ts. `0` turns one detector off. The per-minute ones count over the
 * last minute; the SERVFAIL and forwarder ones over `HDNS_DETECT_WINDOW`.
 */

const OFF = '(`0` off)';

export const DETECTION_SETTINGS = {
  nxdomainPerMin: setting(
    'HDNS_DETECT_NXDOMAIN_PER_MIN',
    int(0, 100_000_000),
    300,
    'NXDOMAIN answers to one client per minute above which a `threat_detected` ' +
      '(`detection.kind` `nxdomain_flood`) names it: a warning, critical at 4 times this; ' +
      `raised again only after the client fell below half of it ${OFF}`,
  ),
  randomSubdomainsPerMin: setting(
    'HDNS_DETECT_RANDOM_SUBDOMAINS_PER_MIN',
    int(0, 100_000_000),
    200,
    'distinct NXDOMAIN names under one registered domain per minute above which a ' +
      '`threat_detected` (`detection.kind` `random_subdomain`, "water torture") names the ' +
      `domain and its top clients: a warning, critical at 4 times this ${OFF}`,
  ),
  servfailPercent: setting(
    'HDNS_DETECT_SERVFAIL_PERCENT',
    int(0, 100),
    5,
    'share of SERVFAIL answers (percent) over `HDNS_DETECT_WINDOW` above which a ' +
      '`health_alert` (source `dns`) is raised, once there are `HDNS_DETECT_SERVFAIL_MIN_ANSWERS` ' +
      `answers; resolved below 80% of it ${OFF}`,
  ),
  servfailMinAnswers: setting(
    'HDNS_DETECT_SERVFAIL_MIN_ANSWERS',
    int(1, 100_000_000),
    100,
    'answers over `HDNS_DETECT_WINDOW` below which the SERVFAIL share is not judged',
  ),
  forwarderP99Ms: setting(
    'HDNS_DETECT_FORWARDER_P99_MS',
    int(0, 60_000, 'milliseconds'),
    500,
    "a forwarder's 99th-percentile response time over `HDNS_DETECT_WINDOW` (from dnstap, at " +
      'least 20 responses) above which a `health_alert` (source `forwarders`) names it; ' +
      `resolved below 80% of it ${OFF}`,
  ),
  forwarderFailurePercent: setting(
    'HDNS_DETECT_FORWARDER_FAILURE_PERCENT',
    int(0, 100),
    20,
    "share of a forwarder's queries over `HDNS_DETECT_WINDOW` that timed out or got SERVFAIL " +
      `(at least 20 queries) above which a \`health_alert\` names it ${OFF}`,
  ),
  windowSeconds: setting(
    'HDNS_DETECT_WINDOW',
    seconds(10, 3600),
    60,
    'window of the SERVFAIL and forwarder detectors',
  ),
} satisfies SettingTree;
