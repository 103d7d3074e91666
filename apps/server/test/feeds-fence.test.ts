import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Identity } from '../src/auth/identity.js';
import { claimFence, fenceGuard } from '../src/dns/bind-fence.js';
import { offBackend, type DnsBackend } from '../src/dns/dns-backend.js';
import type { FeedZoneSpec } from '../src/dns/dns-specs.js';
import { compiledFile, fileSerial } from '../src/feeds/feed-files.js';
import { FeedService } from '../src/feeds/feed-service.js';
import { AppError } from '../src/http/app-error.js';
import { Outbox } from '../src/outbox/outbox.js';
import { OutboxStore } from '../src/outbox/outbox-store.js';
import type { Db } from '../src/storage/db.js';
import { startListServer, type ListServer } from './feed-list-server.js';
import { describeStorage } from './storage-backends.js';

/**
 * Feed writes under the BIND lease's fence (dns/bind-fence.ts), on SQLite and PostgreSQL: an
 * instance whose lease passed on (the fence carries a newer holder) refuses every feed write
 * with BIND_UNAVAILABLE, stores nothing (rows, allowlist, events), and puts back what it had
 * changed in its named and its compiled list. And what a holder does with the compiled lists it
 * has or lacks after the lease moved: a file left from an earlier holding is not current, a
 * missing one is rebuilt but not faster than the retry backoff after a failure.
 */

const admin: Identity = {
  userId: 'u1',
  username: 'admin',
  role: 'admin',
  zones: null,
  expiresAt: new Date(Date.now() + 3_600_000),
  tokenId: 't1',
  tokenVersion: 0,
};

/** What the service asked BIND to serve, call by call. */
interface BindCalls {
  feedZones: string[][];
  reloads: FeedZoneSpec[];
  allowlists: string[][];
}

function recordingBackend(calls: BindCalls): DnsBackend {
  return {
    ...offBackend,
    setFeedZones: (feeds) => {
      calls.feedZones.push(feeds.map((f) => f.name));
      return Promise.resolve();
    },
    reloadFeedZone: (feed) => {
      calls.reloads.push(feed);
      return Promise.resolve({ serial: feed.serial, durationMs: 0 });
    },
    setAllowlist: (domains) => {
      calls.allowlists.push([...domains]);
      return Promise.resolve();
    },
  };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  return err instanceof AppError ? err.code : `not refused: ${String(err)}`;
}

let lists: ListServer;
let dir: string;

beforeAll(async () => {
  lists = await startListServer();
});
afterAll(() => lists.close());

describeStorage('feed writes under the BIND fence', (open) => {
  let db: Db;
  let calls: BindCalls;
  let service: FeedService;

  beforeEach(async () => {
    db = await open();
    dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-feeds-fence-'));
    calls = { feedZones: [], reloads: [], allowlists: [] };
    // This instance holds the lease as holder `a` under token 1, as the lease would report it.
    await claimFence(db, { token: 1, holder: 'a' });
    const outbox = new Outbox(db, new OutboxStore(db), {
      committed: () => Promise.resolve(),
    }).guarded(fenceGuard(() => ({ token: 1, holder: 'a' })));
    service = new FeedService({
      db,
      backend: recordingBackend(calls),
      outbox,
      publish: () => undefined,
      dir,
      fetch: { allowPrivate: true, maxBytes: 1 << 20, timeoutMs: 5000 },
      log: { warn: () => undefined },
      retryBaseMs: 60_000,
    });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const outboxRows = async () =>
    Number(
      (
        await db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('refuses every feed write once another instance claimed the fence, storing nothing', async () => {
    lists.set('/fenced.txt', { body: 'one.fence.test\ntwo.fence.test\n' });
    const feed = await service.create(admin, {
      name: 'fenced',
      url: lists.url('/fenced.txt'),
      format: 'domains',
      category: 'malware',
      action: 'nxdomain',
      enabled: true,
      refreshMinutes: 60,
    });
    await service.settle();
    const served = await service.get(feed.id);
    expect(served).toMatchObject({ domainCount: 2, lastError: null });
    expect(calls.feedZones.at(-1)).toEqual([feed.zone]);
    const file = compiledFile(dir, feed.zone);
    const goodList = await readFile(file, 'utf8');
    const events = await outboxRows();

    // The lease passed on: holder b claimed the fence under token 2.
    await claimFence(db, { token: 2, holder: 'b' });
    const zoneCalls = calls.feedZones.length;

    // Disable: BIND took the zone out, the commit was refused, the zone was put back.
    expect(await refusal(service.update(admin, feed.id, { version: 1, enabled: false }))).toBe(
      'BIND_UNAVAILABLE',
    );
    expect(calls.feedZones.slice(zoneCalls)).toEqual([[], [feed.zone]]);

    expect(await refusal(service.setAllowlist(admin, ['one.fence.test']))).toBe('BIND_UNAVAILABLE');
    expect(calls.allowlists).toEqual([['one.fence.test'], []]);

    expect(await refusal(service.remove(admin, feed.id))).toBe('BIND_UNAVAILABLE');
    expect(calls.feedZones.at(-1)).toEqual([feed.zone]);

    // A refresh with a changed list: named was given the new list, the commit was refused, and
    // both the compiled file and named are back at the last good list.
    lists.set('/fenced.txt', { body: 'three.fence.test\n' });
    expect(await refusal(service.refresh(feed.id, null))).toBe('BIND_UNAVAILABLE');
    const goodSerial = Number(
      (
        await db
          .selectFrom('blocklist_feeds')
          .select('serial')
          .where('id', '=', feed.id)
          .executeTakeFirstOrThrow()
      ).serial,
    );
    const [tried, putBack] = calls.reloads.slice(-2);
    expect(tried?.serial).toBeGreaterThan(goodSerial);
    expect(putBack).toMatchObject({ name: feed.zone, serial: goodSerial });
    expect(await readFile(file, 'utf8')).toBe(goodList);

    // Nothing stored: the feed as it was, no allowlist, no event.
    expect(await service.get(feed.id)).toEqual(served);
    expect(await service.allowlist()).toEqual([]);
    expect(await outboxRows()).toBe(events);
  });

  const input = (name: string, url: string) => ({
    name,
    url,
    format: 'domains' as const,
    category: 'malware' as const,
    action: 'nxdomain' as const,
    enabled: true,
    refreshMinutes: 60,
  });
  const rowOf = (id: string) =>
    db.selectFrom('blocklist_feeds').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('takes a compiled file left from an earlier holding for missing: no validators, rebuilt', async () => {
    lists.set('/stale.txt', { body: 'one.stale.test\n' });
    const feed = await service.create(admin, input('stale', lists.url('/stale.txt')));
    await service.settle();
    const mine = await rowOf(feed.id);
    expect(await fileSerial(compiledFile(dir, feed.zone))).toBe(Number(mine.serial));
    // Another holder refreshed the same list meanwhile: a newer serial, the list's validators.
    await db
      .updateTable('blocklist_feeds')
      .set({ serial: Number(mine.serial) + 10 })
      .where('id', '=', feed.id)
      .execute();
    expect(await service.due()).toEqual([feed.id]);
    const asked = lists.requests.length;
    const result = await service.refresh(feed.id, null);
    // A full download (a 304 would have kept the old holding's file), served under the row's serial.
    expect(lists.requests.slice(asked)).toEqual([
      { path: '/stale.txt', status: 200, ifNoneMatch: null, ifModifiedSince: null },
    ]);
    expect(result.outcome).toBe('updated');
    const now = await rowOf(feed.id);
    expect(Number(now.serial)).toBeGreaterThan(Number(mine.serial) + 10);
    expect(await fileSerial(compiledFile(dir, feed.zone))).toBe(Number(now.serial));
    expect(calls.reloads.at(-1)).toMatchObject({ name: feed.zone, serial: Number(now.serial) });
    expect(await service.due()).toEqual([]);
  });

  it("downloads a re-enabled feed at once when its file here is an earlier holding's", async () => {
    lists.set('/again.txt', { body: 'one.again.test\n' });
    const feed = await service.create(admin, input('again', lists.url('/again.txt')));
    await service.settle();
    const off = await service.update(admin, feed.id, { version: feed.version, enabled: false });
    // Another holder refreshed it meanwhile (its serial), then it is enabled here.
    const serial = Number((await rowOf(feed.id)).serial) + 10;
    await db.updateTable('blocklist_feeds').set({ serial }).where('id', '=', feed.id).execute();
    const asked = lists.requests.length;
    await service.update(admin, feed.id, { version: off.version, enabled: true });
    await service.settle();
    expect(lists.requests.slice(asked)).toEqual([
      { path: '/again.txt', status: 200, ifNoneMatch: null, ifModifiedSince: null },
    ]);
    const now = await rowOf(feed.id);
    expect(Number(now.serial)).toBeGreaterThan(serial);
    expect(await fileSerial(compiledFile(dir, feed.zone))).toBe(Number(now.serial));
  });

  it('rebuilds a missing compiled list at once, but after a failure only at its retry time', async () => {
    lists.set('/gone.txt', { body: 'one.gone.test\n' });
    const feed = await service.create(admin, input('gone', lists.url('/gone.txt')));
    await service.settle();
    // As on an instance that took the lease over: the row says served, no file here.
    await rm(compiledFile(dir, feed.zone));
    expect(await service.due()).toEqual([feed.id]);
    lists.set('/gone.txt', { body: '', status: 503 });
    const failed = await service.refresh(feed.id, null);
    expect(failed.outcome).toBe('failed');
    // The retry time holds for the missing file too (the list server was down a moment ago).
    expect(await service.due()).toEqual([]);
    const retryAt = Date.parse((await rowOf(feed.id)).next_attempt_at ?? '');
    expect(await service.due(retryAt + 1)).toEqual([feed.id]);
    // The alert does not claim a list this holder does not have is served.
    const alert = await db
      .selectFrom('outbox')
      .select('data')
      .where('type', '=', 'health_alert')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    const message = (JSON.parse(alert.data) as { message: string }).message;
    expect(message).toContain('is not served until a refresh succeeds');
    expect(message).not.toContain('stays served');
  });

  it("gives a feed zone its feed's category, in any case, and 'custom' once the feed is gone", async () => {
    lists.set('/cat.txt', { body: 'one.cat.test\n' });
    const feed = await service.create(admin, input('cat', lists.url('/cat.txt')));
    await service.settle();
    expect(await service.categoryOfZone(feed.zone.toUpperCase())).toBe('malware');
    expect(await service.categoryOfZone('rpz.local')).toBeNull();
    await service.remove(admin, feed.id);
    expect(await service.categoryOfZone(feed.zone)).toBe('custom');
  });
});
