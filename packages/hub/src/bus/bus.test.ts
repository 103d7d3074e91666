import { MemoryEventLog } from '../event-log/memory-event-log.js';
import { describeBusContract } from './bus.contract.js';
import { MemoryBus } from './memory-bus.js';

// One process has one MemoryBus and one log, so both "instances" are the same pair.
describeBusContract('MemoryBus', () => {
  const bus = new MemoryBus();
  const log = new MemoryEventLog();
  return Promise.resolve({
    a: bus,
    b: bus,
    publish: async (from, event) => {
      const logged = await log.append(event);
      await from.publish(logged);
      return logged;
    },
    close: () => log.close(),
  });
});
