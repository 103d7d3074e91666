import type { KyselyPlugin, QueryResult, UnknownRow } from 'kysely';
import type { Db } from '../src/storage/db.js';

/**
 * The same database, counting the statements sent through it (each one a round trip), so a test
 * can hold a hot path to the number of reads or writes it is meant to take.
 */
export function countingDb(db: Db): { db: Db; count(): number; reset(): void } {
  let statements = 0;
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      statements += 1;
      return args.node;
    },
    transformResult(args): Promise<QueryResult<UnknownRow>> {
      return Promise.resolve(args.result);
    },
  };
  return {
    db: db.withPlugin(plugin),
    count: () => statements,
    reset: () => {
      statements = 0;
    },
  };
}
