/**
 * `@hdns/protocol/rest`: every REST shape and route, defined once. Browser-safe (zod only): the
 * server validates and documents with it, the dashboard and the CLI call it.
 */
export * from './lists.js';
export * from './record-input.js';
export * from './zone-schemas.js';
export * from './dnssec-schemas.js';
export * from './zone-file-schemas.js';
export * from './policy-schemas.js';
export * from './feed-schemas.js';
export * from './alert-schemas.js';
export * from './alert-rule-summary.js';
export * from './dns-settings-schemas.js';
export * from './secondary-schemas.js';
export * from './user-schemas.js';
export * from './account-schemas.js';
export * from './token-schemas.js';
export * from './event-schemas.js';
export * from './ops-schemas.js';
export * from './legacy-client-schemas.js';
export * from './contract.js';
export * from './routes.js';
export * from './rest-client.js';
export * from './query-schemas.js';
