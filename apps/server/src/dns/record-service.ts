import type { Identity } from '../auth/identity.js';
import { AppError } from '../http/app-error.js';
import type { Outbox } from '../outbox/outbox.js';
import type { ChunkCommit } from './bulk-jobs.js';
import { dnsEvent, type DnsEvent } from './dns-events.js';
import { canonicalOwner, type RecordInput } from './record-input.js';
import { effectiveTtl, rrsetKey, RrsetIndex } from './rrset.js';
import { actorOf, assertReadZone, assertWriteZone } from './zone-access.js';
import type { ZoneService } from './zone-service.js';
import { assertHoldsRecords, stale } from './zone-service.js';
import {
  newRecord,
  recordObject,
  type DnsRecord,
  type Zone,
  type ZoneStore,
} from './zone-store.js';

/**
 * The rule BIND enforces at load time, checked early for a clear message: a CNAME owns its name
 * alone (RFC 1034 §3.6.2), and never sits at the zone apex.
 */
export function cnameConflict(zone: string, records: readonly DnsRecord[]): string | null {
  const byOwner = new Map<string, DnsRecord[]>();
  for (const r of records) {
    const key = canonicalOwner(r.name, zone);
    byOwner.set(key, [...(byOwner.get(key) ?? []), r]);
  }
  for (const [owner, list] of byOwner) {
    const cnames = list.filter((r) => r.type === 'CNAME');
    if (cnames.length === 0) continue;
    if (owner === zone.toLowerCase().replace(/\.$/, ''))
      return `a CNAME cannot be at the zone apex (${owner})`;
    if (list.length > 1)
      return `${owner} has a CNAME and other data; a CNAME must be the only record at its name`;
  }
  return null;
}

/**
 * Records of one zone: every change re-renders the zone, applies it to BIND, then stores it with
 * its events in one transaction (outbox). RRsets keep RFC 2181 §5 (rrset.ts): a duplicate, or a
 * record joining an RRset with another TTL, is refused (INVALID_RECORD); editing a record's TTL
 * sets it on its whole RRset, each record changed getting its record_updated.
 */
export class RecordService {
  constructor(
    private readonly store: ZoneStore,
    private readonly zones: ZoneService,
    private readonly outbox: Outbox,
  ) {}

  async list(identity: Identity, zoneName: string): Promise<DnsRecord[]> {
    const zone = await this.zones.require(zoneName);
    assertReadZone(identity, zone.name);
    return this.store.records(zone);
  }

  async create(identity: Identity, zoneName: string, input: RecordInput): Promise<DnsRecord> {
    const [created] = await this.createMany(identity, zoneName, [input]);
    if (!created) throw new AppError('INTERNAL');
    return created;
  }

  /**
   * Adds several records in one zone change (one serial, one reload); all or nothing. With
   * `job` (a bulk import's chunk) the job's progress row and event are committed with the
   * records instead of one record_created each (see ChunkCommit).
   */
  async createMany(
    identity: Identity,
    zoneName: string,
    inputs: readonly RecordInput[],
    options: { job?: ChunkCommit } = {},
  ): Promise<DnsRecord[]> {
    const zone = await this.writable(identity, zoneName);
    return this.zones.locks.run(zone.name, async () => {
      const current = await this.zones.require(zone.name);
      const records = await this.store.records(current);
      const now = new Date().toISOString();
      const added = inputs.map((input) => newRecord(current.name, input, now));
      // RFC 2181 §5 (rrset.ts): no duplicate, one TTL per RRset, also among the records added.
      const index = new RrsetIndex(current.name, current.defaultTtl, records);
      for (const r of added) {
        index.assertNotDuplicate(r);
        index.assertRrsetTtl(r);
        index.add(r);
      }
      const actor = actorOf(identity);
      // A bulk import's chunk: the job's progress event describes it, not one per record. Its
      // rights are checked under the lock, before BIND sees the chunk (and again as it commits).
      const job = options.job;
      await job?.check();
      await this.commit(
        current,
        [...records, ...added],
        { upsert: added },
        actor,
        (next) =>
          job
            ? [...job.events]
            : added.map((r) =>
                dnsEvent(
                  'record_created',
                  {
                    zone: next.name,
                    recordId: r.id,
                    before: null,
                    after: recordObject(r, next.defaultTtl),
                    ...(next.serial !== null ? { serial: next.serial } : {}),
                  },
                  actor,
                ),
              ),
        job,
      );
      return added;
    });
  }

  async update(
    identity: Identity,
    zoneName: string,
    id: string,
    input: RecordInput,
    version: number,
  ): Promise<DnsRecord> {
    const zone = await this.writable(identity, zoneName);
    return this.zones.locks.run(zone.name, async () => {
      const current = await this.zones.require(zone.name);
      const records = await this.store.records(current);
      const before = records.find((r) => r.id === id);
      if (!before) throw new AppError('NOT_FOUND', { record: id });
      if (before.version !== version) throw stale(before, before);
      const now = new Date().toISOString();
      const after: DnsRecord = {
        ...newRecord(current.name, input, now, id),
        createdAt: before.createdAt,
        version: before.version + 1,
      };
      // RFC 2181 §5 (rrset.ts): no duplicate; a record moved to another RRset takes its TTL, a
      // record edited within its RRset gives its TTL to the others (each with its event).
      const index = new RrsetIndex(
        current.name,
        current.defaultTtl,
        records.filter((r) => r.id !== id),
      );
      index.assertNotDuplicate(after);
      const moved = rrsetKey(before, current.name) !== rrsetKey(after, current.name);
      if (moved) index.assertRrsetTtl(after);
      const ttl = effectiveTtl(after, current.defaultTtl);
      const retimed: { before: DnsRecord; after: DnsRecord }[] = moved
        ? []
        : index
            .rrsetOf(after)
            .filter((r) => effectiveTtl(r, current.defaultTtl) !== ttl)
            .map((r) => ({
              before: r,
              after: { ...r, ttl: after.ttl, version: r.version + 1, updatedAt: now },
            }));
      const changed = [{ before, after }, ...retimed];
      const byId = new Map(changed.map((c) => [c.after.id, c.after]));
      const actor = actorOf(identity);
      await this.commit(
        current,
        records.map((r) => byId.get(r.id) ?? r),
        { upsert: changed.map((c) => c.after) },
        actor,
        (next) =>
          changed.map((c) =>
            dnsEvent(
              'record_updated',
              {
                zone: next.name,
                recordId: c.after.id,
                before: recordObject(c.before, current.defaultTtl),
                after: recordObject(c.after, next.defaultTtl),
                ...(next.serial !== null ? { serial: next.serial } : {}),
              },
              actor,
            ),
          ),
      );
      return after;
    });
  }

  async remove(identity: Identity, zoneName: string, id: string, version?: number): Promise<void> {
    const zone = await this.writable(identity, zoneName);
    await this.zones.locks.run(zone.name, async () => {
      const current = await this.zones.require(zone.name);
      const records = await this.store.records(current);
      const before = records.find((r) => r.id === id);
      if (!before) throw new AppError('NOT_FOUND', { record: id });
      if (version !== undefined && before.version !== version) throw stale(before, before);
      const actor = actorOf(identity);
      await this.commit(
        current,
        records.filter((r) => r.id !== id),
        { remove: [id] },
        actor,
        (next) => [
          dnsEvent(
            'record_deleted',
            {
              zone: next.name,
              recordId: id,
              before: recordObject(before, current.defaultTtl),
              after: null,
              ...(next.serial !== null ? { serial: next.serial } : {}),
            },
            actor,
          ),
        ],
      );
    });
  }

  private async writable(identity: Identity, zoneName: string): Promise<Zone> {
    const zone = await this.zones.require(zoneName);
    assertWriteZone(identity, zone.name);
    assertHoldsRecords(zone);
    return zone;
  }

  /**
   * Checks, applies to BIND, then stores the change with its events (`describe`, given the zone
   * with its new serial, plus the reload) in one transaction. Caller holds the zone lock.
   * Returns the stored zone.
   */
  private async commit(
    current: Zone,
    records: readonly DnsRecord[],
    changes: { upsert?: readonly DnsRecord[]; remove?: readonly string[] },
    actor: { id: string; username: string },
    describe: (next: Zone) => DnsEvent[],
    job?: ChunkCommit,
  ): Promise<Zone> {
    const conflict = cnameConflict(current.name, records);
    if (conflict) throw new AppError('INVALID_RECORD', { message: conflict });
    // The zone's own version tracks its settings; a record change moves only the serial.
    const next: Zone = { ...current, updatedAt: new Date().toISOString() };
    const applied = await this.zones.apply(next, records);
    await this.zones.storeOrUndo(next.name, () =>
      this.outbox.commit(
        [
          ...describe(next),
          ...this.zones.reloadEvents(next.name, applied.serial, applied.durationMs, actor),
        ],
        async (trx) => {
          await this.store.in(trx).saveZoneChange(next, changes);
          await job?.write(trx);
        },
      ),
    );
    return next;
  }
}
