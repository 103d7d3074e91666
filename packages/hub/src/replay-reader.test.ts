import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXAMPLE_EVENTS, type EventType } from '@hdns/protocol';
import { mayReceive } from './authorizer.js';
import { EncodedEvent } from './encoded-event.js';
import { sampleEvent } from './event-log/event-log.contract.js';
import { MemoryEventLog } from './event-log/memory-event-log.js';
import type { Identity } from './identity.js';
import { ReplayReader } from './replay-reader.js';
import type { Session } from './session.js';

const TYPES: EventType[] = ['record_created', 'zone_created'];

function identity(role: Identity['role'], zones: string[] | null = null): Identity {
  return {
    userId: `u-${role}`,
    username: role,
    role,
    zones,
    expiresAt: new Date(Date.now() + 3_600_000),
  };
}

/** The parts of a session the reader looks at. */
function sessionOf(who: Identity, replayPageSize = 500, replayPageBytes = 2 ** 20): Session {
  const stub = {
    identity: who,
    subscriptions: TYPES,
    options: { replayPageSize, replayPageBytes },
  };
  return stub as unknown as Session;
}

/** Zone events in two zones, some of them for admins only (`meta.audience`). */
async function logWith(n: number): Promise<MemoryEventLog> {
  const log = new MemoryEventLog();
  for (let i = 0; i < n; i++) {
    const zone = i % 2 === 0 ? 'a.test' : 'b.test';
    await log.append(
      sampleEvent({
        data: { ...EXAMPLE_EVENTS.zone_created, zone },
        meta: { actor: null, zone, ...(i % 5 === 0 ? { audience: 'admin' as const } : {}) },
      }),
    );
  }
  return log;
}

async function expectedCount(log: MemoryEventLog, who: Identity, after: number, head: number) {
  const events = await MemoryEventLog.prototype.query.call(log, {
    afterSeq: after,
    beforeSeq: head + 1,
    types: TYPES,
  });
  return events.filter((e) => mayReceive(who, e)).length;
}

describe('ReplayReader', () => {
  let reader: ReplayReader | undefined;
  afterEach(() => reader?.close());

  it('shares one head read among position() calls in the same turn with nothing dispatched', async () => {
    const log = await logWith(3);
    const lastSeq = vi.spyOn(log, 'lastSeq');
    let dispatched = 3;
    reader = new ReplayReader(
      log,
      (e) => new EncodedEvent(e),
      () => dispatched,
    );
    const answers = await Promise.all([
      reader.position(TYPES),
      reader.position(TYPES),
      reader.position([...TYPES].reverse()),
    ]);
    expect(lastSeq).toHaveBeenCalledTimes(1);
    expect(answers.map((a) => a.seq)).toEqual([3, 3, 3]);
    // Another category set reads its own horizon.
    await reader.position(['dns_query_log']);
    expect(lastSeq).toHaveBeenCalledTimes(2);
    // An event dispatched since: a caller buffering from now on needs a head that includes it.
    await log.append(sampleEvent());
    dispatched = 4;
    expect((await reader.position(TYPES)).seq).toBe(4);
    expect(lastSeq).toHaveBeenCalledTimes(3);
    // The next turn reads again.
    await new Promise((resolve) => setImmediate(resolve));
    await reader.position(TYPES);
    expect(lastSeq).toHaveBeenCalledTimes(4);
  });

  it('counts a short replay from its first page, which the replay then reads without a query', async () => {
    const log = await logWith(30);
    const query = vi.spyOn(log, 'query');
    const count = vi.spyOn(log, 'countByCategory');
    reader = new ReplayReader(
      log,
      (e) => new EncodedEvent(e),
      () => 30,
    );
    const who = identity('viewer', ['a.test']);
    const session = sessionOf(who);
    expect(await reader.count(session, 10, 30)).toBe(await expectedCount(log, who, 10, 30));
    const page = await reader.read(session, 10, 30, 500);
    expect(page.filter((e) => e.event.meta.zone === 'b.test')).toEqual([]);
    expect(query).toHaveBeenCalledTimes(1);
    expect(count).not.toHaveBeenCalled();
  });

  it('counts a long replay for an admin with one count query shared by concurrent resumes', async () => {
    const log = await logWith(40);
    const count = vi.spyOn(log, 'countByCategory');
    const query = vi.spyOn(log, 'query');
    const shared = new ReplayReader(
      log,
      (e) => new EncodedEvent(e),
      () => 40,
    );
    reader = shared;
    const admin = identity('admin');
    const counts = await Promise.all(
      Array.from({ length: 10 }, () => shared.count(sessionOf(admin, 5), 3, 40)),
    );
    expect(new Set(counts)).toEqual(new Set([await expectedCount(log, admin, 3, 40)]));
    expect(count).toHaveBeenCalledTimes(1);
    expect(query).not.toHaveBeenCalled();
  });

  it('counts a long replay page by page for a zone-scoped reader, applying its rights', async () => {
    const log = await logWith(40);
    reader = new ReplayReader(
      log,
      (e) => new EncodedEvent(e),
      () => 40,
    );
    for (const who of [identity('viewer', ['b.test']), identity('operator'), identity('admin')]) {
      expect(await reader.count(sessionOf(who, 4), 2, 37)).toBe(
        await expectedCount(log, who, 2, 37),
      );
    }
  });

  it('sizes its count pages by bytes like the replay, never reading a large backlog whole', async () => {
    const log = await logWith(60);
    const query = vi.spyOn(log, 'query');
    reader = new ReplayReader(
      log,
      (e) => new EncodedEvent(e),
      () => 60,
    );
    const operator = identity('operator');
    // ~1 KB per page: a handful of these events each, where 500 events fit the count limit.
    expect(await reader.count(sessionOf(operator, 500, 1024), 0, 60)).toBe(
      await expectedCount(log, operator, 0, 60),
    );
    const limits = query.mock.calls.map(([q]) => q.limit ?? Infinity);
    expect(limits.length).toBeGreaterThan(2);
    expect(Math.max(...limits.slice(1))).toBeLessThan(20);
  });
});
