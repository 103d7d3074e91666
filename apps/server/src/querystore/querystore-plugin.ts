import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { QuerySource, QueryStoreStatus } from '@hdns/protocol/rest';
import type { QueryStoreConfig } from '../config.js';
import type { QueryFacts } from '../queries/query-facts.js';
import { safeError } from '../http/safe-error.js';
import { PostgresQueryStore } from './postgres-query-store.js';
import { QueryIngest } from './query-ingest.js';
import type { QueryStore } from './query-store.js';
import { SqliteQueryStore } from './sqlite-query-store.js';

export const QUERY_STORE_FILE = 'queries.db';

/** `app.queryStore`: the store and its ingest, or only `enabled: false` when it is off. */
export interface QueryStoreHandle {
  readonly enabled: boolean;
  /** Null when off. */
  readonly store: QueryStore | null;
  readonly ingest: QueryIngest | null;
  /** Hands one answered query to the store (a no-op when off). */
  offer(facts: QueryFacts): void;
  /** Where the queries come from now (set by the query pipeline). */
  setSource(source: QuerySource | 'none'): void;
  /** Null when off. */
  status(): Promise<QueryStoreStatus | null>;
}

declare module 'fastify' {
  interface FastifyInstance {
    queryStore: QueryStoreHandle;
  }
}

export interface QueryStorePluginOptions {
  settings: QueryStoreConfig;
  dataDir: string;
  /** The app database on PostgreSQL: the store goes there too. */
  databaseUrl: string | null;
}

/** The SQLite file of the store for these settings. */
export function queryStoreFile(settings: QueryStoreConfig, dataDir: string): string {
  return settings.path ?? path.join(dataDir, QUERY_STORE_FILE);
}

async function queryStorePlugin(
  app: FastifyInstance,
  opts: QueryStorePluginOptions,
): Promise<void> {
  const { settings } = opts;
  let source: QuerySource | 'none' = 'none';
  if (!settings.enabled) {
    app.decorate('queryStore', {
      enabled: false,
      store: null,
      ingest: null,
      offer: () => undefined,
      setSource: (s: QuerySource | 'none') => {
        source = s;
      },
      status: () => Promise.resolve(null),
    } satisfies QueryStoreHandle);
    return;
  }
  const limits = { retentionDays: settings.retentionDays, maxBytes: settings.maxMb * 1024 * 1024 };
  const store: QueryStore = opts.databaseUrl
    ? new PostgresQueryStore({
        ...limits,
        url: opts.databaseUrl,
        onError: (err) =>
          app.log.warn(
            { error: safeError(err) },
            'idle PostgreSQL connection of the query store failed',
          ),
      })
    : new SqliteQueryStore({ ...limits, file: queryStoreFile(settings, opts.dataDir) });
  const ingest = new QueryIngest(store, {
    maxInsertsPerSec: settings.maxInsertsPerSec,
    onError: (err, what) => app.log.error({ err }, `query store ${what} failed`),
    onPruned: (removedRows) => app.log.info({ removedRows }, 'query store pruned'),
  });
  // The first prune at start: a store left by a longer retention shrinks before it is used.
  await ingest.prune();
  const stop = ingest.start();
  app.decorate('queryStore', {
    enabled: true,
    store,
    ingest,
    offer: (facts) => ingest.offer(facts),
    setSource: (s) => {
      source = s;
    },
    async status() {
      const usage = await store.status();
      return {
        backend: store.backend,
        ...usage,
        ...limits,
        ...ingest.counters(),
        source,
      };
    },
  } satisfies QueryStoreHandle);
  app.addHook('onClose', async () => {
    await stop();
    await store.close();
  });
}

/** Opens the query store (SQLite file or PostgreSQL tables) and its ingest as `app.queryStore`. */
export const queryStore = fp(queryStorePlugin, { name: 'hdns-query-store' });
