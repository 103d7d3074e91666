import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './server-process.js';

/** Where the shipped site's listeners go: TLS with a certificate, or plain http in its place. */
export interface ShippedSiteOptions {
  /** The instances' HTTP ports on 127.0.0.1 (the upstream's servers). */
  instancePorts: readonly number[];
  /** The port of the site's plain-http listener (the redirect to https). */
  plain: number;
  /** The port of the site's main listener. */
  site: number;
  /** With a certificate, the main listener speaks TLS; without, plain http (benchmarks). */
  tls?: { cert: string; key: string };
}

/**
 * docs/deploy/nginx-hdns.conf exactly as shipped, with only its `# test:` lines pointed at
 * loopback: so the tests and benchmarks run the file operators install, not a copy of it.
 */
export function shippedNginxSite(options: ShippedSiteOptions): string {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs/deploy/nginx-hdns.conf'), 'utf8');
  const { tls } = options;
  let upstreamsDone = false;
  return doc
    .split('\n')
    .flatMap((line) => {
      if (line.includes('# test: instance')) {
        if (upstreamsDone) return [];
        upstreamsDone = true;
        return options.instancePorts.map(
          (p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`,
        );
      }
      if (line.includes('# test: plain')) return [`    listen 127.0.0.1:${options.plain};`];
      if (line.includes('# test: tls')) {
        return [`    listen 127.0.0.1:${options.site}${tls ? ' ssl' : ''};`];
      }
      if (line.includes('# test: cert')) return tls ? [`    ssl_certificate ${tls.cert};`] : [];
      if (line.includes('# test: key')) return tls ? [`    ssl_certificate_key ${tls.key};`] : [];
      // No TLS on the main listener: its other TLS settings go with the certificate.
      if (!tls && /^\s*ssl_(protocols|session_cache)\s/.test(line)) return [];
      return [line];
    })
    .join('\n');
}
