import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { MetricsAccess } from '../config.js';
import { AddressList } from '../http/address-list.js';

export type MetricsVerdict = 'ok' | 'unauthorized' | 'forbidden';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Decides who may scrape /metrics (HDNS_METRICS_TOKEN, HDNS_METRICS_ALLOW). Each configured
 * check must pass: the client address in the allow-list (403 otherwise), and the bearer token
 * (401 otherwise). The token is compared as SHA-256 digests with `timingSafeEqual`, so neither
 * its length nor its prefix leaks through timing. Nothing configured: open.
 */
export function metricsAccessCheck(
  access: MetricsAccess,
): (request: FastifyRequest) => MetricsVerdict {
  const allow = access.allow.length > 0 ? AddressList.of(access.allow) : null;
  const expected = access.token === null ? null : digest(access.token);
  return (request) => {
    if (allow !== null && !allow.has(request.ip)) return 'forbidden';
    if (expected === null) return 'ok';
    const header = request.headers.authorization ?? '';
    const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) return 'unauthorized';
    return timingSafeEqual(digest(match[1]), expected) ? 'ok' : 'unauthorized';
  };
}
