import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeEventLogContract } from './event-log.contract.js';
import { MemoryEventLog } from './memory-event-log.js';
import { SqliteEventLog } from './sqlite-event-log.js';

describeEventLogContract('MemoryEventLog', (retention) =>
  Promise.resolve({ log: new MemoryEventLog(retention) }),
);

const dir = mkdtempSync(join(tmpdir(), 'hdns-eventlog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
describeEventLogContract('SqliteEventLog', (retention) => {
  const path = join(dir, `events-${++n}.sqlite`);
  const log = new SqliteEventLog({ path, ...(retention ? { retention } : {}) });
  return Promise.resolve({
    log,
    reopen: async () => {
      await log.close();
      return new SqliteEventLog({ path, ...(retention ? { retention } : {}) });
    },
  });
});
