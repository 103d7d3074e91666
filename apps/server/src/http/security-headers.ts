import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The Content-Security-Policy of every response. The dashboard is a Vite build: one module
 * script and stylesheets from /assets, no inline script or `<style>`, styles React sets through
 * the CSSOM (which CSP does not govern), and one WebSocket to the same origin. So: own origin
 * only, no inline code, no plugins, no framing, no foreign form targets.
 *
 * `connect-src` lists `ws:`/`wss:` besides `'self'` because browsers before CSP level 3 do not
 * treat a same-origin WebSocket as `'self'`. No `upgrade-insecure-requests`: the server speaks
 * plain HTTP on its own (TLS is a proxy's job), and upgrading would break every asset there.
 * Swagger UI at /docs sends its own policy (hashes of its scripts; see openapi-plugin.ts).
 */
export const CSP_DIRECTIVES: Readonly<Record<string, string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'", 'ws:', 'wss:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Security headers via @fastify/helmet on every route: the CSP above, `X-Frame-Options: DENY`
 * (frame-ancestors for old browsers), `nosniff`, a same-origin referrer policy and
 * cross-origin isolation of resources. HSTS is left to the TLS-terminating proxy: a plain-HTTP
 * server cannot know the host name the browser should pin.
 */
async function securityHeadersPlugin(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: { ...CSP_DIRECTIVES } },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: false,
  });
}

export const securityHeaders = fp(securityHeadersPlugin, { name: 'hdns-security-headers' });
