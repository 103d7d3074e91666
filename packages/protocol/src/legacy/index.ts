// `@hdns/protocol/legacy`: the two protocols v1 replaces, for the server's legacy adapter, its
// tests and the protocol docs. A separate entry so that bundles of the v1 client (the dashboard)
// do not carry the legacy schemas: zod schemas are built at import time, so a bundler cannot
// drop them from a module that is imported at all.
export * from './legacy-client.js';
export * from './legacy-server.js';
export * from './legacy-close.js';
export * from './legacy-event-data.js';
export * from './legacy-own-events.js';
export * from './legacy-messages.js';
