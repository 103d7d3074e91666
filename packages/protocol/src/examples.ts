/**
 * One valid payload per event type. Typed against the catalogue, so a schema change that breaks
 * an example fails the type check. Reused by the docs generator and by other packages' tests;
 * values are fixed (no clocks, no randomness) so generated docs stay deterministic.
 */
import type { EventDataOf, EventType, RecordObject, ZoneObject } from './catalogue.js';

export type ExampleEvents = { readonly [T in EventType]: EventDataOf<T> };

const TS = '2025-01-15T10:30:00.000Z';

const zoneV1: ZoneObject = {
  name: 'example.com',
  type: 'primary',
  serial: 2025011501,
  forwarders: [],
  forwardPolicy: null,
  defaultTtl: 3600,
  recordCount: 12,
  description: 'Public web zone',
  version: 1,
};
const zoneV2: ZoneObject = { ...zoneV1, serial: 2025011502, defaultTtl: 300, version: 2 };

const recordV1: RecordObject = {
  id: 'rec_7f3a',
  name: 'www',
  type: 'A',
  ttl: 3600,
  value: '192.0.2.10',
  version: 1,
};
const recordV2: RecordObject = { ...recordV1, ttl: 300, value: '192.0.2.20', version: 2 };

const permissions: EventDataOf<'permission_changed'>['before'] = {
  role: 'viewer',
  zones: ['example.com'],
};

/** `rpz_update` carries the new rule twice: as `after`, and as `rule` for older readers. */
const RPZ_RULE_AFTER = {
  id: 'rpz_44',
  domain: 'ads.example.org',
  action: 'nodata',
  redirectTo: null,
  category: 'ads',
  enabled: true,
  comment: null,
} as const;

export const EXAMPLE_EVENTS: ExampleEvents = {
  zone_created: { zone: 'example.com', before: null, after: zoneV1 },
  zone_updated: {
    zone: 'example.com',
    before: zoneV1,
    after: zoneV2,
    changed: ['defaultTtl', 'serial'],
  },
  zone_deleted: { zone: 'example.com', before: zoneV2, after: null },
  record_created: {
    zone: 'example.com',
    recordId: 'rec_7f3a',
    before: null,
    after: recordV1,
    serial: 2025011501,
  },
  record_updated: {
    zone: 'example.com',
    recordId: 'rec_7f3a',
    before: recordV1,
    after: recordV2,
    serial: 2025011502,
  },
  record_deleted: {
    zone: 'example.com',
    recordId: 'rec_7f3a',
    before: recordV2,
    after: null,
    serial: 2025011503,
  },
  dnssec_key_change: {
    zone: 'example.com',
    policy: 'default',
    change: 'state_changed',
    keyTag: 47363,
    role: 'csk',
    algorithm: 'ECDSAP256SHA256',
    states: { dnskey: { before: 'rumoured', after: 'omnipresent' } },
    nextRollover: null,
  },
  zone_transfer: {
    zone: 'example.com',
    direction: 'out',
    peer: '192.0.2.53#53',
    kind: 'IXFR',
    success: true,
    serial: 2025011502,
    key: 'xfr-key',
  },
  zone_sync: {
    zone: 'example.com',
    dbSerial: 2025011502,
    servedSerial: 2025011502,
    secondaries: [{ id: 'sec_1', name: 'ns2', serial: 2025011501, state: 'lagging' }],
    drift: true,
    checkedAt: '2025-01-15T10:30:00.000Z',
  },
  secondary_status: {
    secondaryId: 'sec_1',
    name: 'ns2',
    address: '192.0.2.53#53',
    state: 'failing',
    previous: 'in_sync',
    level: 'critical',
    laggingZones: [],
    zoneCount: 12,
    message: 'no SOA answer for 3 rounds',
    checkedAt: '2025-01-15T10:30:00.000Z',
  },
  bind_reload: {
    zone: 'example.com',
    trigger: 'api',
    serial: 2025011502,
    success: true,
    durationMs: 42,
  },
  bulk_operation_progress: {
    jobId: 'job_91c2',
    kind: 'record_import',
    zone: 'example.com',
    total: 500,
    processed: 250,
    succeeded: 248,
    failed: 2,
    percent: 50,
  },
  bulk_operation_complete: {
    jobId: 'job_91c2',
    kind: 'record_import',
    zone: 'example.com',
    total: 500,
    status: 'partial',
    succeeded: 497,
    failed: 3,
    durationMs: 1830,
    errors: [
      { line: 17, message: 'CNAME and other data at www' },
      { line: 230, message: 'TTL must be a non-negative integer' },
    ],
    errorCount: 3,
  },
  security_alert: {
    alertId: 'alr_12',
    severity: 'warning',
    title: 'Repeated failed logins',
    message: '8 failed logins for admin in 60 s',
    clientIp: '198.51.100.7',
    source: 'auth',
    count: 8,
  },
  threat_detected: {
    clientIp: '10.0.0.23',
    qname: 'malware.example.net',
    qtype: 'A',
    action: 'nxdomain',
    rule: 'malware.example.net.rpz.local',
    category: 'malware',
    policyZone: 'rpz.local',
    ts: TS,
  },
  rpz_update: {
    action: 'updated',
    ruleId: 'rpz_44',
    before: {
      id: 'rpz_44',
      domain: 'ads.example.org',
      action: 'nxdomain',
      redirectTo: null,
      category: 'ads',
      enabled: true,
      comment: null,
    },
    after: RPZ_RULE_AFTER,
    rule: RPZ_RULE_AFTER,
    serial: 118,
  },
  health_update: {
    overall: 'degraded',
    forwarders: [
      {
        id: 'fwd_1',
        name: 'Cloudflare',
        address: '1.1.1.1',
        status: 'healthy',
        latencyMs: 12.4,
        lastCheckedAt: TS,
        consecutiveFailures: 0,
      },
      {
        id: 'fwd_2',
        name: 'ISP resolver',
        address: '203.0.113.53',
        status: 'down',
        latencyMs: null,
        lastCheckedAt: TS,
        consecutiveFailures: 3,
      },
    ],
    checkedAt: TS,
  },
  health_alert: {
    alertId: 'hal_3',
    severity: 'warning',
    source: 'forwarders',
    message: 'Median forwarder latency above threshold',
    metric: 'forwarder_latency_ms_p50',
    value: 240,
    threshold: 200,
  },
  forwarder_status_change: {
    forwarderId: 'fwd_2',
    name: 'ISP resolver',
    address: '203.0.113.53',
    from: 'healthy',
    to: 'down',
    latencyMs: null,
    reason: '3 consecutive probe timeouts',
    consecutiveFailures: 3,
  },
  system_status: {
    overall: 'healthy',
    version: '0.1.0',
    uptimeSec: 86400,
    components: [
      { name: 'bind', status: 'healthy' },
      { name: 'database', status: 'healthy' },
    ],
    startedAt: TS,
  },
  system_metrics: {
    intervalSec: 5,
    cpu: { percent: 7.5, load1: 0.31, load5: 0.22, load15: 0.18, cores: 4 },
    memory: { usedBytes: 1_288_490_188, totalBytes: 4_294_967_296, percent: 30 },
    disk: { path: '/var', usedBytes: 10_737_418_240, totalBytes: 53_687_091_200, percent: 20 },
    network: { rxBytesPerSec: 52_000, txBytesPerSec: 61_000 },
  },
  bind_status: {
    running: true,
    managed: true,
    version: 'BIND 9.18.28',
    uptimeSec: 3600,
    qps: 143.2,
    rcodes: { NOERROR: 51230, NXDOMAIN: 822, SERVFAIL: 3 },
    rpzRewrites: 412,
    zonesLoaded: 7,
    recursiveClients: 12,
  },
  config_change: {
    scope: 'forwarders',
    key: 'forward_policy',
    before: 'first',
    after: 'only',
  },
  admin_broadcast: {
    broadcastId: 'bc_5',
    level: 'warning',
    title: 'Maintenance',
    message: 'BIND restarts at 22:00 UTC for an upgrade.',
  },
  dns_query_log: {
    clientIp: '10.0.0.23',
    clientPort: 53124,
    qname: 'www.example.com',
    qtype: 'A',
    qclass: 'IN',
    flags: '+E(0)K',
    server: '10.0.0.1',
    view: 'internal',
    ecs: '10.0.0.0/24',
    blocked: false,
    ts: TS,
  },
  query_stats: {
    windowSec: 60,
    qps: 140.5,
    total: 8430,
    blocked: 97,
    topDomains: [
      { name: 'www.example.com', count: 1200 },
      { name: 'api.example.com', count: 640 },
    ],
    topClients: [
      { ip: '10.0.0.23', count: 900 },
      { ip: '10.0.0.41', count: 512 },
    ],
    qtypes: { A: 5100, AAAA: 2900, HTTPS: 430 },
    rcodes: { NOERROR: 8200, NXDOMAIN: 230 },
  },
  user_login: {
    userId: 'usr_2',
    username: 'alice',
    ip: '198.51.100.7',
    userAgent: 'Mozilla/5.0',
    method: 'password',
  },
  user_logout: { userId: 'usr_2', username: 'alice', ip: '198.51.100.7', userAgent: null },
  session_expired: {
    userId: 'usr_2',
    username: 'alice',
    sessionId: 'ses_8d1',
    reason: 'expired',
  },
  permission_changed: {
    userId: 'usr_3',
    username: 'bob',
    before: permissions,
    after: { role: 'operator', zones: null },
  },
};
