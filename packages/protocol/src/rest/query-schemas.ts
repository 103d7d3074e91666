/**
 * The query store (/api/queries): every answered DNS query with the facts dnstap gives (or the
 * fewer the text query log gives), kept apart from the event log, searched with cursor paging.
 * Client addresses are personal data: the history is for operators and admins; viewers get the
 * live stream (client redacted) and the statistics.
 */
import { z } from 'zod';
import { QUERY_SOURCES, QUERY_TRANSPORTS } from '../event-schemas/query.js';

export {
  QUERY_SOURCES,
  QUERY_TRANSPORTS,
  type QuerySource,
  type QueryTransport,
} from '../event-schemas/query.js';

/** How `name` matches: the whole name, the name and everything under it, or any part of it. */
export const NAME_MATCHES = ['exact', 'suffix', 'substring'] as const;

/** One stored query. Fields dnstap has and the text log lacks are null for text-log rows. */
export const queryRecordSchema = z.object({
  /** Opaque, stable within the store; also the order key with `ts`. */
  id: z.string().max(64),
  /** When named answered (dnstap response time) or logged the query (text log). */
  ts: z.string(),
  clientIp: z.string().max(64),
  clientPort: z.number().int().min(0).max(65535),
  transport: z.enum(QUERY_TRANSPORTS),
  /** Lower case, no trailing dot. */
  qname: z.string().max(255),
  qtype: z.string().max(16),
  qclass: z.string().max(8),
  /** NOERROR, NXDOMAIN, SERVFAIL, REFUSED …; null when unknown (text log). */
  rcode: z.string().max(16).nullable(),
  /** Query flags in BIND's query-log notation (`+E(0)K`). */
  flags: z.string().max(32),
  /** Response header flags (`qr aa rd ra`); null when unknown. */
  responseFlags: z.string().max(32).nullable(),
  answerCount: z.number().int().nonnegative().nullable(),
  /** A short answer summary (`A 192.0.2.1, A 192.0.2.2`), cut to 256 characters. */
  answer: z.string().max(256).nullable(),
  responseSize: z.number().int().nonnegative().nullable(),
  /** Response time minus query time; null when the query was not seen (or text log). */
  latencyMs: z.number().nonnegative().nullable(),
  blocked: z.boolean(),
  /** The response-policy action when one applied (NXDOMAIN, NODATA, CNAME, PASSTHRU …). */
  rpzAction: z.string().max(32).nullable(),
  /** The named that answered (its dnstap identity); null for the text log. */
  node: z.string().max(64).nullable(),
  /** Address the query was received on. */
  server: z.string().max(64),
  source: z.enum(QUERY_SOURCES),
});
export type QueryRecord = z.infer<typeof queryRecordSchema>;

/** A comma-separated list in a query string (also accepted as a repeated parameter). */
const list = <T extends z.ZodType<string>>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item).min(1).max(20),
  );

/** An IPv4/IPv6 address or a CIDR prefix (`192.0.2.0/24`, `2001:db8::/32`). */
export const clientFilterSchema = z
  .string()
  .trim()
  .max(64)
  .refine(
    (s) =>
      z.ipv4().safeParse(s).success ||
      z.ipv6().safeParse(s).success ||
      z.cidrv4().safeParse(s).success ||
      z.cidrv6().safeParse(s).success,
    'must be an IPv4/IPv6 address or a CIDR prefix',
  );

const rcodeName = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{1,16}$/, 'must be an rcode name like NXDOMAIN');
const qtypeName = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z][A-Z0-9]{0,15}$/, 'must be a type name like AAAA');

export const querySearchSchema = z.object({
  from: z.iso.datetime({ offset: true }).optional().describe('Oldest time (inclusive)'),
  to: z.iso.datetime({ offset: true }).optional().describe('Newest time (exclusive)'),
  client: clientFilterSchema.optional().describe('Client address or CIDR prefix'),
  name: z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .max(255)
    .transform((s) => s.replace(/\.$/, ''))
    .optional(),
  nameMatch: z
    .enum(NAME_MATCHES)
    .default('suffix')
    .describe('`substring` uses no index: without `from` it covers the last 24 hours'),
  qtype: list(qtypeName).optional().describe('Comma-separated query types'),
  rcode: list(rcodeName).optional().describe('Comma-separated response codes'),
  blocked: z
    .enum(['true', 'false'])
    .transform((s) => s === 'true')
    .optional(),
  minLatencyMs: z.coerce.number().nonnegative().max(3_600_000).optional(),
  transport: list(z.enum(QUERY_TRANSPORTS)).optional(),
  node: z.string().trim().min(1).max(64).optional(),
  /** From the previous page's `nextCursor`: the page continues strictly after it. */
  cursor: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type QuerySearch = z.output<typeof querySearchSchema>;
export type QuerySearchInput = z.input<typeof querySearchSchema>;

export const queryPageSchema = z.object({
  /** Newest first. */
  items: z.array(queryRecordSchema),
  /** Null on the last page. */
  nextCursor: z.string().nullable(),
});
export type QueryPage = z.infer<typeof queryPageSchema>;

export const queryStoreStatusSchema = z.object({
  backend: z.enum(['sqlite', 'postgres']),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  oldest: z.string().nullable(),
  newest: z.string().nullable(),
  retentionDays: z.number().positive(),
  maxBytes: z.number().int().positive(),
  /** Queries stored and not stored (sampled out or dropped when the store fell behind). */
  stored: z.number().int().nonnegative(),
  notStored: z.number().int().nonnegative(),
  /** Above `maxInsertsPerSec` the store keeps 1 in `sampleEvery` queries; 1 = every query. */
  sampleEvery: z.number().int().positive(),
  /** Where the live facts come from now. */
  source: z.enum([...QUERY_SOURCES, 'none']),
});
export type QueryStoreStatus = z.infer<typeof queryStoreStatusSchema>;

export const clientParamsSchema = z.object({
  ip: z.union([z.ipv4(), z.ipv6()]),
});

export const clientSummaryQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

const ranked = z.object({ name: z.string().max(255), count: z.number().int().nonnegative() });

/** One client over a time range (default: the last 24 hours). */
export const clientSummarySchema = z.object({
  ip: z.string(),
  from: z.string(),
  to: z.string(),
  total: z.number().int().nonnegative(),
  blocked: z.number().int().nonnegative(),
  rcodes: z.record(z.string(), z.number().int().nonnegative()),
  qtypes: z.record(z.string(), z.number().int().nonnegative()),
  topNames: z.array(ranked).max(50),
  topBlocked: z.array(ranked).max(50),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
});
export type ClientSummary = z.infer<typeof clientSummarySchema>;
