import { statSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { packageRoot } from '../lib/package-root.js';

/** apps/web/dist, beside this package (found the same from src/ and from the dist/ bundle). */
export const DEFAULT_DASHBOARD_DIR = path.resolve(
  packageRoot(import.meta.url, '@hdns/server'),
  '../web/dist',
);

/** Paths that belong to the server, never to the single-page app. */
const SERVER_PREFIXES = ['/api', '/ws', '/docs', '/metrics'];

/** Vite puts content-hashed files under /assets: a new build means new names. */
const HASHED_ASSET = /^\/assets\//;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current asset hashes: always revalidate it. */
const REVALIDATE = 'no-cache';

export interface StaticPluginOptions {
  /** The built dashboard; default apps/web/dist. */
  root?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Where the dashboard is served from (it may not be built yet). */
    dashboardRoot: string;
  }
}

/** No inline style or script: the CSP (http/security-headers.ts) would block it. */
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hybrid DNS Server</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<h1>Hybrid DNS Server</h1>
<p>The API is running, but the dashboard has not been built yet.</p>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds first) and reload this page.</p>
<p>API documentation: <a href="/docs">/docs</a></p>
</body></html>`;

function safeDecode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined; // malformed escapes name no file
  }
}

/**
 * Never throws: a URL can name what no file system accepts (a NUL from `%00`, a segment over
 * 255 bytes: ENAMETOOLONG, a path through a file: ENOTDIR), and none of those is a file.
 */
function isFile(file: string): boolean {
  try {
    return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/**
 * Serves the built dashboard (apps/web/dist) at `/`: its files as they are (hashed assets with
 * immutable caching, the rest revalidated), and index.html for every other GET that is not an
 * API, WebSocket, docs or metrics path, so client-side routes (/zones/example.com) survive a
 * reload. Without a build, `/` explains how to make one instead of a bare 404.
 *
 * Files are looked up per request rather than routed once at start, so a rebuild while the
 * server runs (new asset hashes) or a build made after start is served without a restart.
 * Registered with fastify-plugin so the catch-all sits at the root; the API routes are more
 * specific and win.
 */
async function staticPlugin(app: FastifyInstance, options: StaticPluginOptions): Promise<void> {
  const root = path.resolve(options.root ?? DEFAULT_DASHBOARD_DIR);
  app.decorate('dashboardRoot', root);
  // Only reply.sendFile (streaming, ETag, Last-Modified, ranges); the routes are ours.
  await app.register(fastifyStatic, { root, serve: false, cacheControl: false });

  const handler = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const pathname = safeDecode(request.url.split('?')[0] ?? '/');
    if (pathname === undefined) {
      reply.callNotFound();
      return reply;
    }
    if (SERVER_PREFIXES.some((p) => pathname === p || pathname.startsWith(`${p}/`))) {
      reply.callNotFound(); // keeps the API's JSON 404
      return reply;
    }
    const file = path.resolve(root, `.${pathname}`);
    const inside = file === root || file.startsWith(`${root}${path.sep}`);
    if (inside && file !== root && isFile(file)) {
      reply.header('cache-control', HASHED_ASSET.test(pathname) ? IMMUTABLE : REVALIDATE);
      return reply.sendFile(path.relative(root, file), root);
    }
    // A missing hashed asset is a real 404: index.html in its place would reach a <script> tag.
    if (HASHED_ASSET.test(pathname) || !inside) {
      reply.callNotFound();
      return reply;
    }
    if (!isFile(path.join(root, 'index.html'))) {
      return reply.code(200).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    }
    reply.header('cache-control', REVALIDATE);
    return reply.sendFile('index.html', root);
  };

  app.get('/', { schema: { hide: true } }, handler);
  app.get('/*', { schema: { hide: true } }, handler);
}

export const dashboardStatic = fp(staticPlugin, { name: 'hdns-dashboard-static' });
