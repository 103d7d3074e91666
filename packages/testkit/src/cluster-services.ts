import { randomBytes } from 'node:crypto';
import { startPostgresServer, type PostgresServer } from './postgres-server.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

/** What several server instances share: one PostgreSQL, one Redis, one JWT secret. */
export interface ClusterServices {
  pg: PostgresServer;
  redis: RedisServer;
  /** The settings every instance gets: database, Redis and the shared token key. */
  env: Record<string, string>;
  /** Stops Redis and PostgreSQL and removes their directories. Idempotent. */
  close(): Promise<void>;
}

/** Starts a PostgreSQL (with a fresh database) and a redis-server for a cluster test. */
export async function startClusterServices(): Promise<ClusterServices> {
  const [pg, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
  let closed: Promise<void> | null = null;
  return {
    pg,
    redis,
    env: {
      HDNS_DATABASE_URL: await pg.createDatabase('hdns'),
      HDNS_REDIS_URL: redis.url,
      HDNS_JWT_SECRET: randomBytes(32).toString('hex'),
    },
    close: () =>
      (closed ??= (async () => {
        await redis.close();
        await pg.close();
      })()),
  };
}
