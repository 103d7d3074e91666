import { z } from 'zod';
import { AppError } from '../http/app-error.js';

/**
 * Reads BIND's statistics channel (JSON v1). Every field is optional in the schema and missing
 * counters read as absent, so an older or newer BIND (or one built without some counters) never
 * breaks the caller. Uses global fetch with an abort timeout; a failure is BIND_UNAVAILABLE.
 */

/** A counter table; non-numeric entries are dropped rather than failing the whole read. */
const counters = z
  .record(z.string(), z.unknown())
  .optional()
  .transform((table) => {
    const out: Record<string, number> = {};
    for (const [key, value] of Object.entries(table ?? {})) {
      if (typeof value === 'number') out[key] = value;
    }
    return out;
  });
const optionalString = z.unknown().transform((v) => (typeof v === 'string' ? v : null));
const optionalNumber = z.unknown().transform((v) => (typeof v === 'number' ? v : null));

const serverSchema = z.looseObject({
  'boot-time': optionalString,
  'config-time': optionalString,
  'current-time': optionalString,
  version: optionalString,
  opcodes: counters,
  rcodes: counters,
  qtypes: counters,
  nsstats: counters,
});

const zoneSchema = z.looseObject({
  name: z.string(),
  class: optionalString,
  serial: optionalNumber,
  type: optionalString,
  loaded: optionalString,
});

const zonesSchema = z.looseObject({
  views: z.record(z.string(), z.looseObject({ zones: z.array(zoneSchema).optional() })).optional(),
});

export interface ServerStats {
  bootTime: string | null;
  configTime: string | null;
  currentTime: string | null;
  version: string | null;
  opcodes: Record<string, number>;
  rcodes: Record<string, number>;
  qtypes: Record<string, number>;
  /** Name-server counters: Requestv4, QrySuccess, QryNXDOMAIN, RPZRewrites, ... */
  nsstats: Record<string, number>;
}

export interface ZoneStats {
  view: string;
  name: string;
  class: string | null;
  serial: number | null;
  type: string | null;
  loaded: string | null;
}

function parseOrUnavailable<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new AppError('BIND_UNAVAILABLE', {
    source: 'statistics-channel',
    message: `unexpected JSON: ${parsed.error.message}`,
  });
}

export class StatsChannel {
  readonly baseUrl: string;

  constructor(
    host: string,
    port: number,
    private readonly timeoutMs = 2000,
  ) {
    this.baseUrl = `http://${host}:${port}/json/v1`;
  }

  private async get(path: string): Promise<unknown> {
    try {
      const res = await fetch(`${this.baseUrl}${path}`, {
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return await res.json();
    } catch (err) {
      throw new AppError('BIND_UNAVAILABLE', {
        source: 'statistics-channel',
        message: err instanceof Error ? err.message : String(err),
      });
    }
  }

  async server(): Promise<ServerStats> {
    const raw = parseOrUnavailable(serverSchema, await this.get('/server'));
    return {
      bootTime: raw['boot-time'],
      configTime: raw['config-time'],
      currentTime: raw['current-time'],
      version: raw.version,
      opcodes: raw.opcodes,
      rcodes: raw.rcodes,
      qtypes: raw.qtypes,
      nsstats: raw.nsstats,
    };
  }

  /** Zones of every view except BIND's built-in `_bind` (CHAOS) view. */
  async zones(): Promise<ZoneStats[]> {
    const raw = parseOrUnavailable(zonesSchema, await this.get('/zones'));
    const out: ZoneStats[] = [];
    for (const [view, data] of Object.entries(raw.views ?? {})) {
      if (view === '_bind') continue;
      for (const z of data.zones ?? []) {
        out.push({
          view,
          name: z.name,
          class: z.class,
          serial: z.serial,
          type: z.type,
          loaded: z.loaded,
        });
      }
    }
    return out;
  }
}
