import { zoneCreateSchema, type RecordInput } from '@hdns/protocol/rest';
import type { Identity } from '../auth/identity.js';
import { AppError } from '../http/app-error.js';
import type { BulkJobs, Job } from './bulk-jobs.js';
import { importJobSpec } from './bulk-parse.js';
import { jobRightsCheck } from './job-rights.js';
import type { RecordService } from './record-service.js';
import { assertCreateZone, assertWriteZone } from './zone-access.js';
import { assertHoldsRecords, type ZoneService } from './zone-service.js';
import { lineFinder } from './zone-file-lines.js';
import { zoneFileRecords } from './zone-file-records.js';

/**
 * Imports a zone from a BIND zone file or by AXFR: normalize (zone-compile.ts), validate every
 * record as the API does (zone-file-records.ts), then run the same bulk job as a JSON/CSV import
 * (bulk-jobs.ts), so progress events, per-line errors, conflicts and the outbox behave as there.
 *
 * Decisions (documented in the route):
 * - a file BIND cannot read at all is refused whole with ZONE_FILE_INVALID and its per-line
 *   errors (original line numbers); nothing is stored, no zone is created;
 * - records BIND reads but the API refuses (unsupported types, bad values) are job errors, one
 *   per record with the line it starts on in the text sent (zone-file-lines.ts; 0 where it
 *   cannot be placed, e.g. $GENERATE), and never cost the good ones;
 * - the SOA is never a record: a NEW zone (`createZone`) takes its mname, rname and timers (and
 *   the file's first numeric `$TTL` as its default TTL); an existing zone keeps its own SOA and
 *   TTL. The serial is always the server's. Apex NS records are imported as ordinary records.
 */

export interface ZoneFileLineError {
  /** 1-based line of the text given; 0 when none applies. */
  line: number;
  message: string;
}

export interface TsigKey {
  name: string;
  algorithm: string;
  secret: string;
}

/**
 * What the import needs from BIND's tools (bind/zone-compile.ts and bind/zone-transfer.ts; the
 * routes wire them, as dns/ never imports bind/).
 */
export interface ZoneFileTools {
  /** `text` as zone `zone`, as one canonical line per record, or per-line errors. */
  compile(
    zone: string,
    text: string,
  ): Promise<{ ok: true; lines: string[] } | { ok: false; errors: ZoneFileLineError[] }>;
  /** AXFR of `zone`; the failure message never holds the TSIG secret. */
  transfer(req: {
    server: string;
    port: number;
    zone: string;
    tsig?: TsigKey;
  }): Promise<{ ok: true; text: string } | { ok: false; message: string }>;
}

export interface ImportSource {
  kind: 'zonefile_import' | 'axfr_import';
  /** The zone file text (AXFR: dig's answer). */
  text: string;
}

export interface AxfrSource {
  server: string;
  port?: number | undefined;
  zone?: string | undefined;
  tsig?: TsigKey | undefined;
}

const FALLBACK_TTL = 3600;

function firstTtl(text: string): number | null {
  const m = /^\$TTL\s+(\d+)\s*(?:;.*)?$/im.exec(text);
  return m?.[1] ? Number(m[1]) : null;
}

export class ZoneFileImport {
  constructor(
    private readonly zones: ZoneService,
    private readonly records: RecordService,
    private readonly jobs: BulkJobs,
    private readonly tools: ZoneFileTools,
  ) {}

  /** Checks the caller may do it before any work: write an existing zone, or create a new one. */
  async authorize(identity: Identity, zoneName: string, createZone: boolean): Promise<string> {
    const name = zoneName.toLowerCase().replace(/\.$/, '');
    if (createZone) {
      assertCreateZone(identity, name, 'primary');
      return name;
    }
    const zone = await this.zones.require(name);
    assertWriteZone(identity, zone.name);
    assertHoldsRecords(zone);
    return zone.name;
  }

  async fromText(
    identity: Identity,
    zoneName: string,
    text: string,
    createZone: boolean,
    kind: ImportSource['kind'] = 'zonefile_import',
  ): Promise<Job> {
    const name = await this.authorize(identity, zoneName, createZone);
    const compiled = await this.tools.compile(name, text);
    if (!compiled.ok) throw invalidFile(compiled.errors);
    const existing = createZone ? null : await this.zones.require(name);
    const defaultTtl = existing?.defaultTtl ?? firstTtl(text) ?? FALLBACK_TTL;
    const parsed = zoneFileRecords(compiled.lines, name, defaultTtl, lineFinder(text, name));
    if (createZone) {
      const { ttl: _ttl, ...soa } = parsed.soa ?? { ttl: 0 };
      const input = zoneCreateSchema.safeParse({
        name,
        defaultTtl,
        ...(parsed.soa ? { soa } : {}),
      });
      if (!input.success) {
        const issue = input.error.issues[0];
        throw invalidFile([
          {
            line: 0,
            message: `${issue?.path.join('.') ?? 'zone'}: ${issue?.message ?? 'invalid'}`,
          },
        ]);
      }
      await this.zones.create(identity, { ...input.data, type: 'primary' });
    }
    return this.start(identity, name, kind, parsed.lines);
  }

  async fromAxfr(
    identity: Identity,
    zoneName: string,
    source: AxfrSource,
    createZone: boolean,
  ): Promise<Job> {
    const name = await this.authorize(identity, zoneName, createZone);
    const remote = (source.zone ?? name).replace(/\.$/, '');
    const r = await this.tools.transfer({
      server: source.server,
      port: source.port ?? 53,
      zone: remote,
      ...(source.tsig ? { tsig: source.tsig } : {}),
    });
    if (!r.ok) {
      throw new AppError('ZONE_TRANSFER_FAILED', {
        message: `AXFR of ${remote} from ${source.server}: ${r.message}`,
      });
    }
    // Another zone's records land under this one: their names are rewritten by origin.
    const text =
      remote.toLowerCase() === name ? r.text : rebase(r.text, remote.toLowerCase(), name);
    return this.fromText(identity, name, text, createZone, 'axfr_import');
  }

  private start(
    identity: Identity,
    zone: string,
    kind: ImportSource['kind'],
    lines: Parameters<typeof importJobSpec<RecordInput>>[0],
  ): Promise<Job> {
    return this.jobs.start(
      identity,
      importJobSpec(lines, {
        kind,
        zone,
        // As for JSON/CSV imports: re-checked as every chunk is stored.
        authorize: jobRightsCheck(identity, { kind: 'write_zone', zone }),
        apply: async (items, chunk) => {
          await this.records.createMany(
            identity,
            zone,
            items.map((i) => i.value),
            { job: chunk },
          );
        },
      }),
    );
  }
}

function invalidFile(errors: ZoneFileLineError[]): AppError {
  const first = errors[0];
  return new AppError('ZONE_FILE_INVALID', {
    message: first
      ? `${first.line > 0 ? `line ${first.line}: ` : ''}${first.message}`
      : 'the zone file could not be read',
    errors: errors.slice(0, 100),
  });
}

/** Rewrites absolute names under `from.` to `to.` (dig output: one record per line). */
function rebase(text: string, from: string, to: string): string {
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`(^|[\\s.])${escaped}\\.(?=\\s|$)`, 'gim'), `$1${to}.`);
}
