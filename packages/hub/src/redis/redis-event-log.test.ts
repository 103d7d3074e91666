import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startRedisServer, type RedisServer } from '@hdns/testkit';
import { describeEventLogContract } from '../event-log/event-log.contract.js';
import { connectRedis, type RedisConnection } from './redis-connection.js';
import { RedisEventLog } from './redis-event-log.js';

// The contract suite against a real redis-server (append-only, fsync always), each log under
// its own key prefix; "reopen" opens the same keys again as a restarted instance would. A scan
// batch of 4 makes queries take many merged round trips.
let redis: RedisServer;
let client: RedisConnection;

beforeAll(async () => {
  redis = await startRedisServer();
  client = await connectRedis(redis.url);
});

afterAll(async () => {
  await client.close();
  await redis.close();
});

describeEventLogContract('RedisEventLog', async (retention) => {
  const prefix = `contract-${randomUUID()}`;
  const open = () =>
    RedisEventLog.open({ client, prefix, ...(retention ? { retention } : {}), scanBatch: 4 });
  const log = await open();
  return {
    log,
    reopen: async () => {
      await log.close();
      return open();
    },
  };
});
