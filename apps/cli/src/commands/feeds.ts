/**
 * `hdns feeds list|add|refresh|enable|disable|delete` and `hdns feeds allow list|add|delete`:
 * blocklist feed subscriptions and the allowlist that overrides them (admins change them).
 *
 * Contract: add checks the feed with the protocol schema first (exit 2) and prints the new id on
 * stdout. refresh fetches at once and exits 1 when the fetch failed (the feed keeps its last
 * good list). enable/disable read the feed's version first, so a concurrent change is refused
 * (exit 4). The allowlist is replaced whole on the server: add/delete read it, change it and
 * write it back. --json prints the REST body (delete: {"deleted":ID}).
 */
import {
  FEED_ACTIONS,
  FEED_FORMATS,
  RPZ_CATEGORIES,
  feedInputSchema,
  type Feed,
} from '@hdns/protocol/rest';
import { CliError, EXIT_FAILURE, EXIT_NOT_FOUND, EXIT_OK, usageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { cell } from '../table.js';
import { firstIssue, oneOf, wholeNumber } from './parse.js';
import { call, callNoContent, printTable, type JsonOption } from './rest-command.js';

export interface FeedAddOptions extends JsonOption {
  format: string;
  category: string;
  action: string;
  redirectTo?: string;
  refreshMinutes: string;
  disabled?: boolean;
}

export async function listFeeds(opts: JsonOption, out: Output): Promise<number> {
  const body = await call('cannot list the feeds', 'listFeeds');
  if (opts.json) out.line(JSON.stringify(body));
  else {
    printTable(
      out,
      ['ID', 'NAME', 'ENABLED', 'ACTION', 'CATEGORY', 'DOMAINS', 'LAST SUCCESS', 'ERROR', 'URL'],
      body.feeds.map((f) => [
        f.id,
        f.name,
        f.enabled ? 'yes' : 'no',
        f.action === 'redirect' ? `redirect ${cell(f.redirectTo)}` : f.action,
        f.category,
        String(f.domainCount),
        cell(f.lastSuccessAt),
        cell(f.lastError),
        f.url,
      ]),
      'no feeds',
    );
  }
  return EXIT_OK;
}

export async function addFeed(
  name: string,
  url: string,
  opts: FeedAddOptions,
  out: Output,
): Promise<number> {
  const parsed = feedInputSchema.safeParse({
    name,
    url,
    format: oneOf('--format', opts.format, FEED_FORMATS),
    category: oneOf('--category', opts.category, RPZ_CATEGORIES),
    action: oneOf('--action', opts.action, FEED_ACTIONS),
    enabled: opts.disabled !== true,
    refreshMinutes: wholeNumber('--refresh-minutes', opts.refreshMinutes, 5, 10_080),
    ...(opts.redirectTo !== undefined ? { redirectTo: opts.redirectTo } : {}),
  });
  if (!parsed.success) throw usageError(`invalid feed: ${firstIssue(parsed.error)}`);
  const feed = await call(`cannot add the feed ${name}`, 'createFeed', { body: parsed.data });
  if (opts.json) out.line(JSON.stringify(feed));
  else {
    out.line(feed.id);
    out.notice(`added feed ${feed.name} (${feed.enabled ? 'enabled' : 'disabled'}): ${feed.url}`);
  }
  return EXIT_OK;
}

async function findFeed(id: string): Promise<Feed> {
  const { feeds } = await call('cannot read the feeds', 'listFeeds');
  const feed = feeds.find((f) => f.id === id);
  if (!feed) throw new CliError(`no feed ${id}`, EXIT_NOT_FOUND);
  return feed;
}

export async function feedAction(
  action: 'refresh' | 'enable' | 'disable' | 'delete',
  id: string,
  opts: JsonOption,
  out: Output,
): Promise<number> {
  if (action === 'delete') {
    await callNoContent(`cannot delete feed ${id}`, 'deleteFeed', { params: { id } });
    if (opts.json) out.line(JSON.stringify({ deleted: id }));
    else out.notice(`deleted feed ${id}`);
    return EXIT_OK;
  }
  if (action === 'refresh') {
    const r = await call(`cannot refresh feed ${id}`, 'refreshFeed', { params: { id } });
    if (opts.json) out.line(JSON.stringify(r));
    else if (r.outcome === 'failed')
      out.notice(`refresh of ${r.feed.name} failed: ${cell(r.error)}`);
    else {
      out.notice(
        `${r.feed.name}: ${r.outcome.replace('_', ' ')}, ${r.total} domains ` +
          `(+${r.added} -${r.removed}, ${r.errors} lines skipped)`,
      );
    }
    return r.outcome === 'failed' ? EXIT_FAILURE : EXIT_OK;
  }
  const current = await findFeed(id);
  const feed = await call(`cannot ${action} feed ${id}`, 'updateFeed', {
    params: { id },
    body: { enabled: action === 'enable', version: current.version },
  });
  if (opts.json) out.line(JSON.stringify(feed));
  else out.notice(`${action}d feed ${feed.name}`);
  return EXIT_OK;
}

export async function listAllow(opts: JsonOption, out: Output): Promise<number> {
  const body = await call('cannot read the feed allowlist', 'getFeedAllowlist');
  if (opts.json) out.line(JSON.stringify(body));
  else if (body.domains.length === 0) out.notice('the feed allowlist is empty');
  else for (const d of body.domains) out.line(d);
  return EXIT_OK;
}

/** Names compare without case and without a trailing dot, as DNS does. */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\.$/, '') === b.toLowerCase().replace(/\.$/, '');
}

export async function changeAllow(
  change: 'add' | 'delete',
  domains: readonly string[],
  opts: JsonOption,
  out: Output,
): Promise<number> {
  const current = await call('cannot read the feed allowlist', 'getFeedAllowlist');
  let next: string[];
  if (change === 'add') {
    next = [...current.domains];
    for (const d of domains) if (!next.some((n) => sameName(n, d))) next.push(d);
  } else {
    const missing = domains.filter((d) => !current.domains.some((n) => sameName(n, d)));
    if (missing.length > 0) {
      throw new CliError(`not on the feed allowlist: ${missing.join(', ')}`, EXIT_NOT_FOUND);
    }
    next = current.domains.filter((n) => !domains.some((d) => sameName(n, d)));
  }
  const body = await call('cannot change the feed allowlist', 'setFeedAllowlist', {
    body: { domains: next },
  });
  if (opts.json) out.line(JSON.stringify(body));
  else out.notice(`the feed allowlist has ${body.domains.length} domains`);
  return EXIT_OK;
}
