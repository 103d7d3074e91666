// The legacy adapter's public surface; the app needs only attachLegacy (and optionally
// installLegacyWires). The wires are exported for tests and for hubs built by hand.
export {
  attachLegacy,
  installLegacyWires,
  type LegacyAttachOptions,
  type LegacySocket,
  type LegacyWires,
} from './attach-legacy.js';
export { legacyCloseFor, type WireClose } from './legacy-close.js';
export { legacyFraming, legacy1EventEncoder, legacy2EventEncoder } from './legacy-encoding.js';
export { LegacyWire, type LegacyHost, type LegacyLink } from './legacy-wire.js';
export { Legacy1Wire, type Legacy1Link } from './legacy1-wire.js';
export { Legacy2Wire } from './legacy2-wire.js';
