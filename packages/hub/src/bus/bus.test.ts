import { describeBusContract } from './bus.contract.js';
import { MemoryBus } from './memory-bus.js';

// One process has one MemoryBus, so both ends of the pair are the same instance.
describeBusContract('MemoryBus', () => {
  const bus = new MemoryBus();
  return Promise.resolve([bus, bus]);
});
