/**
 * Blocklist feeds: lists subscribed by URL, each compiled into its own response-policy zone,
 * and the allowlist every feed yields to (bodies of /api/feeds).
 */
import { z } from 'zod';
import { RPZ_CATEGORIES } from './lists.js';

/** How a feed's file is read; `auto` guesses from its first lines. */
export const FEED_FORMATS = ['auto', 'hosts', 'adblock', 'domains', 'rpz'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

/** What named answers for a listed name. */
export const FEED_ACTIONS = ['nxdomain', 'nodata', 'redirect'] as const;
export type FeedAction = (typeof FEED_ACTIONS)[number];

/** BIND evaluates at most 64 policy zones: the allowlist and rpz.local take two of them. */
export const MAX_ENABLED_FEEDS = 62;

const feedFields = {
  name: z.string().trim().min(1).max(100),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .describe('http or https URL of the list'),
  format: z.enum(FEED_FORMATS),
  category: z.enum(RPZ_CATEGORIES),
  action: z.enum(FEED_ACTIONS),
  redirectTo: z
    .union([z.ipv4(), z.ipv6()])
    .nullable()
    .describe('redirect: answer with this address'),
  enabled: z.boolean(),
  refreshMinutes: z.number().int().min(5).max(10_080),
};

export const feedInputSchema = z
  .object({
    ...feedFields,
    format: feedFields.format.default('auto'),
    category: feedFields.category.default('custom'),
    action: feedFields.action.default('nxdomain'),
    redirectTo: feedFields.redirectTo.optional(),
    enabled: feedFields.enabled.default(true),
    refreshMinutes: feedFields.refreshMinutes.default(1440),
  })
  .refine((f) => f.action !== 'redirect' || !!f.redirectTo, {
    message: 'redirect needs redirectTo (an IP address)',
    path: ['redirectTo'],
  });
export type FeedInput = z.infer<typeof feedInputSchema>;

/** Only the fields sent change (built without defaults, see forwarderPatchSchema). */
export const feedPatchSchema = z
  .object(feedFields)
  .partial()
  .extend({ version: z.number().int().positive() });
export type FeedPatch = z.infer<typeof feedPatchSchema>;

export const feedSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  format: z.enum(FEED_FORMATS),
  category: z.enum(RPZ_CATEGORIES),
  action: z.enum(FEED_ACTIONS),
  redirectTo: z.string().nullable(),
  enabled: z.boolean(),
  refreshMinutes: z.number().int(),
  /** The feed's own response-policy zone. */
  zone: z.string(),
  lastFetchAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  /** Why the last refresh failed; null after a good one. The last good list stays served. */
  lastError: z.string().nullable(),
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
  /** Names in the served zone. */
  domainCount: z.number().int(),
  /** Lines the last good refresh could not express (regexes, element hiding, bad names). */
  skippedCount: z.number().int(),
  /** Refreshes failed in a row; 0 after a good one. */
  failures: z.number().int(),
  /**
   * When the scheduler refreshes it next: the interval's end, or sooner after a failure (1 min
   * doubling, jittered, capped at the interval). Null while disabled; a time already past means
   * at the scheduler's next check.
   */
  nextRefreshAt: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Feed = z.infer<typeof feedSchema>;
export const feedListSchema = z.object({ feeds: z.array(feedSchema) });

export const FEED_REFRESH_OUTCOMES = ['updated', 'not_modified', 'failed'] as const;
export const feedRefreshResultSchema = z.object({
  outcome: z.enum(FEED_REFRESH_OUTCOMES),
  added: z.number().int(),
  removed: z.number().int(),
  total: z.number().int(),
  /** Lines skipped. */
  errors: z.number().int(),
  /** Set when the refresh failed (the previous list stays served). */
  error: z.string().nullable(),
  feed: feedSchema,
});
export type FeedRefreshResult = z.infer<typeof feedRefreshResultSchema>;

const allowDomain = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(
    /^(?:\*\.)?(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$/,
    'must be a domain, optionally starting with *. for subdomains',
  );
/** The allowlist: names every feed lets through (rpz-passthru), evaluated before any feed. */
export const feedAllowlistSchema = z.object({ domains: z.array(z.string()) });
export const feedAllowlistBodySchema = z.object({
  domains: z.array(allowDomain).max(10_000),
});
