/**
 * How a forwarder is named in statistics, metrics and alerts: its address, with `#port` when
 * the port is not 53 (BIND's notation, as in the forwarder settings), so two forwarders on one
 * host stay apart.
 */
export function forwarderKey(u: { address: string; port: number }): string {
  return u.port === 53 || u.port === 0 ? u.address : `${u.address}#${u.port}`;
}
