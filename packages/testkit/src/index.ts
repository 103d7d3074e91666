// The public surface of @hdns/testkit; each helper lives in its own file. Nothing here imports
// apps/*: the server is started by path (server-process.ts), so test imports point one way.
export * from './wait.js';
export * from './tokens.js';
export * from './token-verifier.js';
export * from './hub-server.js';
export * from './test-client.js';
export * from './raw-socket.js';
export * from './raw-frames.js';
export * from './http-api.js';
export * from './server-process.js';
export * from './process-server.js';
export * from './event-history.js';
export * from './event-log-query.js';
export * from './chromium.js';
export * from './redis-server.js';
export * from './tcp-proxy.js';
export * from './postgres-server.js';
export * from './nginx-server.js';
export * from './shipped-nginx-site.js';
export * from './cluster-services.js';
export * from './legacy-socket.js';
