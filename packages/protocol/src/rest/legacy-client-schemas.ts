/**
 * The admin view of legacy protocol use (`GET /api/admin/legacy-clients`): who still connects
 * with the protocols v1 replaces, over which URL, and when last. Kept here, not under
 * `../legacy/`, so the dashboard can import it without the legacy frame schemas.
 */
import { z } from 'zod';

/**
 * HDNS_LEGACY: `on` accepts legacy sockets without a notice, `warn` (the default) accepts them
 * and sends the deprecation notice on every connection, `off` accepts the upgrade and closes it
 * at once (LEGACY_CLOSE.DISABLED) with a reason naming docs/legacy-migration.md.
 */
export const LEGACY_MODES = ['on', 'warn', 'off'] as const;
export type LegacyMode = (typeof LEGACY_MODES)[number];

/**
 * The URL a legacy socket came in on: `ws` is `/ws?token=` (generation 2), `api-websocket` is
 * `/api/websocket/ws…` (the old frontends' own paths, either generation), `ws-type` is
 * `/ws/{type}/{user_id}` (generation 1).
 */
export const LEGACY_ROUTES = ['ws', 'api-websocket', 'ws-type'] as const;
export type LegacyRouteName = (typeof LEGACY_ROUTES)[number];

export const legacyClientSchema = z.object({
  userId: z.string(),
  /** The user's name now; null when the user no longer exists. */
  username: z.string().nullable(),
  generation: z.union([z.literal(1), z.literal(2)]),
  route: z.enum(LEGACY_ROUTES),
  /** Generation 1's connection type (`health`, `dns_management` …); null for generation 2. */
  connectionType: z.string().nullable(),
  /** The User-Agent of the latest connection, when it sent one. */
  userAgent: z.string().nullable(),
  firstSeenAt: z.string().describe('ISO time of the first connection'),
  lastSeenAt: z.string().describe('ISO time a connection last opened or closed'),
  /** Sockets accepted (HDNS_LEGACY on or warn). */
  connections: z.number().int(),
  /** Sockets closed at once because HDNS_LEGACY was off. */
  refused: z.number().int(),
  /** A socket of this user, generation and connection type is open now (on any instance). */
  connectedNow: z.boolean(),
});
export type LegacyClient = z.infer<typeof legacyClientSchema>;

export const legacyClientListSchema = z.object({
  mode: z.enum(LEGACY_MODES),
  /** Most recently seen first. */
  clients: z.array(legacyClientSchema),
});
export type LegacyClientList = z.infer<typeof legacyClientListSchema>;
