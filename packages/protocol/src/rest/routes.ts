/**
 * Every REST route, defined once: the server registers its validation and OpenAPI from these,
 * the dashboard and the CLI call them through the typed client (rest-client.ts).
 */
import { z } from 'zod';
import { route, type PathParamNames, type RouteContract } from './contract.js';
import {
  ackBodySchema,
  ackResultSchema,
  eventHistoryQuerySchema,
  eventPageSchema,
  unreadSchema,
} from './event-schemas.js';
import {
  broadcastBodySchema,
  broadcastSentSchema,
  closedCountSchema,
  connectionListSchema,
  emitBodySchema,
  emittedSchema,
  healthStatusSchema,
  realtimeStatsSchema,
  userIdOfConnectionsSchema,
} from './ops-schemas.js';
import { legacyClientListSchema } from './legacy-client-schemas.js';
import {
  forwarderInputSchema,
  forwarderListSchema,
  forwarderPatchSchema,
  forwarderSchema,
  idParamsSchema,
  rpzRuleInputSchema,
  rpzRuleListSchema,
  rpzRulePatchSchema,
  rpzRuleSchema,
} from './policy-schemas.js';
import { dnsSettingsUpdateSchema, dnsSettingsViewSchema } from './dns-settings-schemas.js';
import {
  feedAllowlistBodySchema,
  feedAllowlistSchema,
  feedInputSchema,
  feedListSchema,
  feedPatchSchema,
  feedRefreshResultSchema,
  feedSchema,
} from './feed-schemas.js';
import {
  alertChannelInputSchema,
  alertChannelListSchema,
  alertChannelPatchSchema,
  alertChannelSchema,
  alertDeliveryPageSchema,
  alertDeliveryQuerySchema,
  alertDeliverySchema,
  alertIdParamsSchema,
  alertRuleInputSchema,
  alertRuleListSchema,
  alertRulePatchSchema,
  alertRuleSchema,
} from './alert-schemas.js';
import {
  apiTokenIdParamsSchema,
  apiTokenListQuerySchema,
  apiTokenListSchema,
  createApiTokenBodySchema,
  createdApiTokenSchema,
} from './token-schemas.js';
import {
  secondaryInputSchema,
  secondaryListSchema,
  secondaryPatchSchema,
  secondarySchema,
  tsigKeyCreateSchema,
  tsigKeyListSchema,
  tsigKeyRotateSchema,
  tsigKeySecretSchema,
  zoneSyncSchema,
} from './secondary-schemas.js';
import { recordInputSchema } from './record-input.js';
import {
  clientParamsSchema,
  clientSummaryQuerySchema,
  clientSummarySchema,
  queryPageSchema,
  querySearchSchema,
  queryStoreStatusSchema,
} from './query-schemas.js';
import { zoneDnssecSchema } from './dnssec-schemas.js';
import {
  axfrImportBodySchema,
  zoneExportQuerySchema,
  zoneExportSchema,
  zoneFileImportBodySchema,
} from './zone-file-schemas.js';
import {
  accountPreferencesSchema,
  accountSessionListSchema,
  accountSessionParamsSchema,
  changePasswordBodySchema,
  endedSessionsSchema,
} from './account-schemas.js';
import {
  createUserBodySchema,
  loginBodySchema,
  sessionUserSchema,
  tokenResponseSchema,
  updateUserBodySchema,
  userIdParamsSchema,
  userListSchema,
  userSchema,
} from './user-schemas.js';
import {
  importBodySchema,
  jobSchema,
  recordListSchema,
  recordParamsSchema,
  recordSchema,
  recordUpdateSchema,
  versionQuerySchema,
  zoneCreateSchema,
  zoneListSchema,
  zoneParamsSchema,
  zonePatchSchema,
  zoneSchema,
} from './zone-schemas.js';

/** A 204 answer; z.null() where the routes always declared it so (OpenAPI stays as it was). */
const noContent = z.null();

export const routes = {
  liveness: route({ method: 'GET', path: '/healthz', status: 200, response: healthStatusSchema }),
  readiness: route({ method: 'GET', path: '/readyz', status: 200, response: healthStatusSchema }),

  login: route({
    method: 'POST',
    path: '/api/auth/login',
    status: 200,
    body: loginBodySchema,
    response: tokenResponseSchema,
  }),
  refresh: route({
    method: 'POST',
    path: '/api/auth/refresh',
    status: 200,
    response: tokenResponseSchema,
  }),
  logout: route({
    method: 'POST',
    path: '/api/auth/logout',
    status: 204,
    response: z.undefined().describe('Logged out'),
  }),
  me: route({ method: 'GET', path: '/api/auth/me', status: 200, response: sessionUserSchema }),

  changePassword: route({
    method: 'POST',
    path: '/api/account/password',
    status: 200,
    body: changePasswordBodySchema,
    response: tokenResponseSchema,
  }),
  listAccountSessions: route({
    method: 'GET',
    path: '/api/account/sessions',
    status: 200,
    response: accountSessionListSchema,
  }),
  endAccountSession: route({
    method: 'DELETE',
    path: '/api/account/sessions/:id',
    status: 204,
    params: accountSessionParamsSchema,
    response: z.undefined().describe('Session ended'),
  }),
  endOtherAccountSessions: route({
    method: 'POST',
    path: '/api/account/sessions/end-others',
    status: 200,
    response: endedSessionsSchema,
  }),
  getAccountPreferences: route({
    method: 'GET',
    path: '/api/account/preferences',
    status: 200,
    response: accountPreferencesSchema,
  }),
  putAccountPreferences: route({
    method: 'PUT',
    path: '/api/account/preferences',
    status: 200,
    body: accountPreferencesSchema,
    response: accountPreferencesSchema,
  }),

  listUsers: route({ method: 'GET', path: '/api/users', status: 200, response: userListSchema }),
  createUser: route({
    method: 'POST',
    path: '/api/users',
    status: 201,
    body: createUserBodySchema,
    response: userSchema,
  }),
  getUser: route({
    method: 'GET',
    path: '/api/users/:id',
    status: 200,
    params: userIdParamsSchema,
    response: userSchema,
  }),
  updateUser: route({
    method: 'PATCH',
    path: '/api/users/:id',
    status: 200,
    params: userIdParamsSchema,
    body: updateUserBodySchema,
    response: userSchema,
  }),
  deleteUser: route({
    method: 'DELETE',
    path: '/api/users/:id',
    status: 204,
    params: userIdParamsSchema,
    response: z.undefined().describe('Deleted'),
  }),

  listApiTokens: route({
    method: 'GET',
    path: '/api/tokens',
    status: 200,
    query: apiTokenListQuerySchema,
    response: apiTokenListSchema,
  }),
  createApiToken: route({
    method: 'POST',
    path: '/api/tokens',
    status: 201,
    body: createApiTokenBodySchema,
    response: createdApiTokenSchema,
  }),
  revokeApiToken: route({
    method: 'DELETE',
    path: '/api/tokens/:id',
    status: 204,
    params: apiTokenIdParamsSchema,
    response: z.undefined().describe('Revoked'),
  }),

  listEvents: route({
    method: 'GET',
    path: '/api/events',
    status: 200,
    query: eventHistoryQuerySchema,
    response: eventPageSchema,
  }),
  ackEvents: route({
    method: 'POST',
    path: '/api/events/ack',
    status: 200,
    body: ackBodySchema,
    response: ackResultSchema,
  }),
  unread: route({ method: 'GET', path: '/api/events/unread', status: 200, response: unreadSchema }),

  listConnections: route({
    method: 'GET',
    path: '/api/admin/connections',
    status: 200,
    response: connectionListSchema,
  }),
  disconnectUser: route({
    method: 'DELETE',
    path: '/api/admin/connections/users/:userId',
    // A count of closed connections, hence 200 and a body.
    status: 200,
    params: userIdOfConnectionsSchema,
    response: closedCountSchema,
  }),
  realtimeStats: route({
    method: 'GET',
    path: '/api/admin/realtime',
    status: 200,
    response: realtimeStatsSchema,
  }),
  emitEvent: route({
    method: 'POST',
    path: '/api/admin/events',
    status: 201,
    body: emitBodySchema,
    response: emittedSchema,
  }),
  broadcast: route({
    method: 'POST',
    path: '/api/admin/broadcast',
    status: 201,
    body: broadcastBodySchema,
    response: broadcastSentSchema,
  }),
  listLegacyClients: route({
    method: 'GET',
    path: '/api/admin/legacy-clients',
    status: 200,
    response: legacyClientListSchema,
  }),

  listZones: route({ method: 'GET', path: '/api/zones', status: 200, response: zoneListSchema }),
  createZone: route({
    method: 'POST',
    path: '/api/zones',
    status: 201,
    body: zoneCreateSchema,
    response: zoneSchema,
  }),
  getZone: route({
    method: 'GET',
    path: '/api/zones/:zone',
    status: 200,
    params: zoneParamsSchema,
    response: zoneSchema,
  }),
  getZoneDnssec: route({
    method: 'GET',
    path: '/api/zones/:zone/dnssec',
    status: 200,
    params: zoneParamsSchema,
    response: zoneDnssecSchema,
  }),
  updateZone: route({
    method: 'PATCH',
    path: '/api/zones/:zone',
    status: 200,
    params: zoneParamsSchema,
    body: zonePatchSchema,
    response: zoneSchema,
  }),
  deleteZone: route({
    method: 'DELETE',
    path: '/api/zones/:zone',
    status: 204,
    params: zoneParamsSchema,
    query: versionQuerySchema,
    response: noContent,
  }),
  listRecords: route({
    method: 'GET',
    path: '/api/zones/:zone/records',
    status: 200,
    params: zoneParamsSchema,
    response: recordListSchema,
  }),
  createRecord: route({
    method: 'POST',
    path: '/api/zones/:zone/records',
    status: 201,
    params: zoneParamsSchema,
    body: recordInputSchema,
    response: recordSchema,
  }),
  updateRecord: route({
    method: 'PUT',
    path: '/api/zones/:zone/records/:id',
    status: 200,
    params: recordParamsSchema,
    body: recordUpdateSchema,
    response: recordSchema,
  }),
  deleteRecord: route({
    method: 'DELETE',
    path: '/api/zones/:zone/records/:id',
    status: 204,
    params: recordParamsSchema,
    query: versionQuerySchema,
    response: noContent,
  }),
  importRecords: route({
    method: 'POST',
    path: '/api/zones/:zone/records/import',
    status: 202,
    params: zoneParamsSchema,
    body: importBodySchema,
    response: jobSchema,
  }),
  importZoneFile: route({
    method: 'POST',
    path: '/api/zones/:zone/import/zonefile',
    status: 202,
    params: zoneParamsSchema,
    body: zoneFileImportBodySchema,
    response: jobSchema,
  }),
  importZoneAxfr: route({
    method: 'POST',
    path: '/api/zones/:zone/import/axfr',
    status: 202,
    params: zoneParamsSchema,
    body: axfrImportBodySchema,
    response: jobSchema,
  }),
  exportZone: route({
    method: 'GET',
    path: '/api/zones/:zone/export',
    status: 200,
    params: zoneParamsSchema,
    query: zoneExportQuerySchema,
    response: zoneExportSchema,
  }),
  getJob: route({
    method: 'GET',
    path: '/api/jobs/:id',
    status: 200,
    params: idParamsSchema,
    response: jobSchema,
  }),

  listForwarders: route({
    method: 'GET',
    path: '/api/forwarders',
    status: 200,
    response: forwarderListSchema,
  }),
  createForwarder: route({
    method: 'POST',
    path: '/api/forwarders',
    status: 201,
    body: forwarderInputSchema,
    response: forwarderSchema,
  }),
  updateForwarder: route({
    method: 'PATCH',
    path: '/api/forwarders/:id',
    status: 200,
    params: idParamsSchema,
    body: forwarderPatchSchema,
    response: forwarderSchema,
  }),
  deleteForwarder: route({
    method: 'DELETE',
    path: '/api/forwarders/:id',
    status: 204,
    params: idParamsSchema,
    response: noContent,
  }),

  listTsigKeys: route({
    method: 'GET',
    path: '/api/tsig-keys',
    status: 200,
    response: tsigKeyListSchema,
  }),
  createTsigKey: route({
    method: 'POST',
    path: '/api/tsig-keys',
    status: 201,
    body: tsigKeyCreateSchema,
    response: tsigKeySecretSchema,
  }),
  rotateTsigKey: route({
    method: 'POST',
    path: '/api/tsig-keys/:id/rotate',
    status: 200,
    params: idParamsSchema,
    body: tsigKeyRotateSchema,
    response: tsigKeySecretSchema,
  }),
  deleteTsigKey: route({
    method: 'DELETE',
    path: '/api/tsig-keys/:id',
    status: 204,
    params: idParamsSchema,
    response: noContent,
  }),

  listSecondaries: route({
    method: 'GET',
    path: '/api/secondaries',
    status: 200,
    response: secondaryListSchema,
  }),
  createSecondary: route({
    method: 'POST',
    path: '/api/secondaries',
    status: 201,
    body: secondaryInputSchema,
    response: secondarySchema,
  }),
  updateSecondary: route({
    method: 'PATCH',
    path: '/api/secondaries/:id',
    status: 200,
    params: idParamsSchema,
    body: secondaryPatchSchema,
    response: secondarySchema,
  }),
  deleteSecondary: route({
    method: 'DELETE',
    path: '/api/secondaries/:id',
    status: 204,
    params: idParamsSchema,
    response: noContent,
  }),
  getZoneSync: route({
    method: 'GET',
    path: '/api/zones/:zone/sync',
    status: 200,
    params: zoneParamsSchema,
    response: zoneSyncSchema,
  }),

  getDnsSettings: route({
    method: 'GET',
    path: '/api/settings/dns',
    status: 200,
    response: dnsSettingsViewSchema,
  }),
  updateDnsSettings: route({
    method: 'PUT',
    path: '/api/settings/dns',
    status: 200,
    body: dnsSettingsUpdateSchema,
    response: dnsSettingsViewSchema,
  }),

  listRpzRules: route({
    method: 'GET',
    path: '/api/rpz/rules',
    status: 200,
    response: rpzRuleListSchema,
  }),
  createRpzRule: route({
    method: 'POST',
    path: '/api/rpz/rules',
    status: 201,
    body: rpzRuleInputSchema,
    response: rpzRuleSchema,
  }),
  updateRpzRule: route({
    method: 'PATCH',
    path: '/api/rpz/rules/:id',
    status: 200,
    params: idParamsSchema,
    body: rpzRulePatchSchema,
    response: rpzRuleSchema,
  }),
  deleteRpzRule: route({
    method: 'DELETE',
    path: '/api/rpz/rules/:id',
    status: 204,
    params: idParamsSchema,
    response: noContent,
  }),
  importRpzRules: route({
    method: 'POST',
    path: '/api/rpz/rules/import',
    status: 202,
    body: importBodySchema,
    response: jobSchema,
  }),

  listFeeds: route({
    method: 'GET',
    path: '/api/feeds',
    status: 200,
    response: feedListSchema,
  }),
  createFeed: route({
    method: 'POST',
    path: '/api/feeds',
    status: 201,
    body: feedInputSchema,
    response: feedSchema,
  }),
  updateFeed: route({
    method: 'PATCH',
    path: '/api/feeds/:id',
    status: 200,
    params: idParamsSchema,
    body: feedPatchSchema,
    response: feedSchema,
  }),
  deleteFeed: route({
    method: 'DELETE',
    path: '/api/feeds/:id',
    status: 204,
    params: idParamsSchema,
    response: noContent,
  }),
  refreshFeed: route({
    method: 'POST',
    path: '/api/feeds/:id/refresh',
    status: 200,
    params: idParamsSchema,
    response: feedRefreshResultSchema,
  }),
  getFeedAllowlist: route({
    method: 'GET',
    path: '/api/feeds/allowlist',
    status: 200,
    response: feedAllowlistSchema,
  }),
  setFeedAllowlist: route({
    method: 'PUT',
    path: '/api/feeds/allowlist',
    status: 200,
    body: feedAllowlistBodySchema,
    response: feedAllowlistSchema,
  }),

  listAlertRules: route({
    method: 'GET',
    path: '/api/alerts/rules',
    status: 200,
    response: alertRuleListSchema,
  }),
  createAlertRule: route({
    method: 'POST',
    path: '/api/alerts/rules',
    status: 201,
    body: alertRuleInputSchema,
    response: alertRuleSchema,
  }),
  updateAlertRule: route({
    method: 'PATCH',
    path: '/api/alerts/rules/:id',
    status: 200,
    params: alertIdParamsSchema,
    body: alertRulePatchSchema,
    response: alertRuleSchema,
  }),
  deleteAlertRule: route({
    method: 'DELETE',
    path: '/api/alerts/rules/:id',
    status: 204,
    params: alertIdParamsSchema,
    response: noContent,
  }),
  listAlertChannels: route({
    method: 'GET',
    path: '/api/alerts/channels',
    status: 200,
    response: alertChannelListSchema,
  }),
  createAlertChannel: route({
    method: 'POST',
    path: '/api/alerts/channels',
    status: 201,
    body: alertChannelInputSchema,
    response: alertChannelSchema,
  }),
  updateAlertChannel: route({
    method: 'PATCH',
    path: '/api/alerts/channels/:id',
    status: 200,
    params: alertIdParamsSchema,
    body: alertChannelPatchSchema,
    response: alertChannelSchema,
  }),
  deleteAlertChannel: route({
    method: 'DELETE',
    path: '/api/alerts/channels/:id',
    status: 204,
    params: alertIdParamsSchema,
    response: noContent,
  }),
  testAlertChannel: route({
    method: 'POST',
    path: '/api/alerts/channels/:id/test',
    status: 202,
    params: alertIdParamsSchema,
    response: alertDeliverySchema,
  }),
  listAlertDeliveries: route({
    method: 'GET',
    path: '/api/alerts/deliveries',
    status: 200,
    query: alertDeliveryQuerySchema,
    response: alertDeliveryPageSchema,
  }),
  resendAlertDelivery: route({
    method: 'POST',
    path: '/api/alerts/deliveries/:id/resend',
    status: 202,
    params: alertIdParamsSchema,
    response: alertDeliverySchema,
  }),

  searchQueries: route({
    method: 'GET',
    path: '/api/queries',
    status: 200,
    query: querySearchSchema,
    response: queryPageSchema,
  }),
  queryStoreStatus: route({
    method: 'GET',
    path: '/api/queries/store',
    status: 200,
    response: queryStoreStatusSchema,
  }),
  clientSummary: route({
    method: 'GET',
    path: '/api/queries/clients/:ip',
    status: 200,
    params: clientParamsSchema,
    query: clientSummaryQuerySchema,
    response: clientSummarySchema,
  }),
} satisfies Record<string, RouteContract>;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

/** A route's `params` schema must name exactly its path's `:parameters`. */
type ParamsMatch<R extends RouteContract> = R extends { params: z.ZodType }
  ? [PathParamNames<R['path']>] extends [keyof z.input<R['params']>]
    ? [keyof z.input<R['params']>] extends [PathParamNames<R['path']>]
      ? true
      : false
    : false
  : [PathParamNames<R['path']>] extends [never]
    ? true
    : false;
type Mismatched = {
  [K in RouteName]: ParamsMatch<Routes[K]> extends true ? never : K;
}[RouteName];
/** Fails to compile, naming the route, when a path and its params schema disagree. */
export const PARAMS_MATCH_PATHS: [Mismatched] extends [never] ? true : Mismatched = true;
