import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routeUpgrade } from './upgrade-route.js';

describe('routeUpgrade', () => {
  it.each([
    ['/ws', { kind: 'v1' }],
    ['/ws/', { kind: 'v1' }],
    // An empty token (the old client's token was still null) is no token: v1.
    ['/ws?token=', { kind: 'v1' }],
    ['/ws?token=abc', { kind: 'legacy2', form: 'ws', token: 'abc' }],
    ['/ws?token=a%2Bb', { kind: 'legacy2', form: 'ws', token: 'a+b' }],
    [
      '/ws/system/u%201?token=t',
      { kind: 'legacy1', form: 'ws-type', connectionType: 'system', userId: 'u 1', token: 't' },
    ],
    // The old per-type backend took no token: still a route, answered after the upgrade.
    [
      '/ws/health/current-user',
      { kind: 'legacy1', form: 'ws-type', connectionType: 'health', userId: 'current-user' },
    ],
    // What the old UnifiedWebSocketService and the old WebSocketProvider open.
    ['/api/websocket/ws?token=t', { kind: 'legacy2', form: 'api-websocket', token: 't' }],
    ['/api/websocket/ws', { kind: 'legacy2', form: 'api-websocket' }],
    [
      '/api/websocket/ws/admin?token=t',
      { kind: 'legacy1', form: 'api-websocket', connectionType: 'admin', token: 't' },
    ],
    ['http://127.0.0.1/ws', { kind: 'v1' }],
    ['wss://h.test/ws?token=t', { kind: 'legacy2', form: 'ws', token: 't' }],
    // Origin-form is a path, never a host: `//a:99999/ws` is simply not a route of ours.
    ['//a:99999/ws', { kind: 'not_found' }],
    ['/ws/system/u1/extra', { kind: 'not_found' }],
    ['/api/websocket/wsx', { kind: 'not_found' }],
    ['/api/websocket/ws/a/b', { kind: 'not_found' }],
    // Only the connection types the protocol defines are routes.
    ['/ws/zzz/current-user?token=t', { kind: 'not_found' }],
    ['/api/websocket/ws/zzz?token=t', { kind: 'not_found' }],
    ['/api/zones', { kind: 'not_found' }],
  ])('%s → %j', (url, route) => {
    expect(routeUpgrade(url)).toEqual(route);
  });

  it.each([
    '/ws/system/%ZZ?token=x',
    '/ws/system/%E0%A4%A?token=x',
    'http://[::1/ws',
    'ftp://h/ws',
    '*',
    'h:80',
  ])('%s is a bad target (400), not an exception', (url) => {
    expect(routeUpgrade(url).kind).toBe('bad_target');
  });

  it('a stray % in the query is taken literally, not thrown on', () => {
    expect(routeUpgrade('/ws?token=%ZZ')).toEqual({ kind: 'legacy2', form: 'ws', token: '%ZZ' });
  });

  it('never throws, whatever the target', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string({ unit: 'binary' }).map((s) => `/ws/system/${s}?token=t`),
          fc.string({ unit: 'binary' }).map((s) => `http://${s}/ws`),
        ),
        (url) => {
          routeUpgrade(url);
        },
      ),
      { seed: 11, numRuns: 2000 },
    );
  });
});
