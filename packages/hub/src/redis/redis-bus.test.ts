import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startRedisServer, type RedisServer } from '@hdns/testkit';
import { describeBusContract } from '../bus/bus.contract.js';
import type { Bus } from '../bus/bus.js';
import { RedisBus } from './redis-bus.js';
import { connectRedis } from './redis-connection.js';
import { RedisEventLog } from './redis-event-log.js';

// Two instances on a real redis-server: each with its own connections, log and bus, all under
// one key prefix per test.
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis.close());

const connected = () => connectRedis(redis.url);

describeBusContract('RedisBus', async () => {
  const prefix = `bus-${randomUUID()}`;
  const [ca, cb, busA, busB] = await Promise.all([
    connected(),
    connected(),
    connected(),
    connected(),
  ]);
  const logA = await RedisEventLog.open({ client: ca, prefix });
  const logB = await RedisEventLog.open({ client: cb, prefix });
  const a = await RedisBus.open({ connection: busA, prefix, batch: 16 });
  const b = await RedisBus.open({ connection: busB, prefix, batch: 16 });
  const logs = new Map<Bus, RedisEventLog>([
    [a, logA],
    [b, logB],
  ]);
  return {
    a,
    b,
    publish: async (from, event) => {
      const log = logs.get(from);
      if (!log) throw new Error('not a bus of this harness');
      const logged = await log.append(event);
      await from.publish(logged);
      return logged;
    },
    close: async () => {
      await Promise.all([logA.close(), logB.close()]);
      await Promise.all([ca.close(), cb.close()]);
    },
  };
});
