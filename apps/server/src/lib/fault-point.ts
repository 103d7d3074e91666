/**
 * TEST-ONLY crash injection. `faultPoint(name)` kills the current process with SIGKILL (no
 * shutdown hooks, no flush: like a power cut or an OOM kill) when the environment variable
 * `HDNS_TEST_CRASH_AT` equals `name`; otherwise it does nothing. Integration tests start the real
 * server with the variable set to prove that a crash at that exact point leaves the system
 * consistent after a restart.
 *
 * Contract: this module is the ONE place that reads `HDNS_TEST_CRASH_AT`; it is inert unless the
 * variable is set, so production never pays more than a string comparison. It is deliberately
 * not a documented setting (no row in config.ts or the README): operators have no use for it.
 *
 * Points in use (keep this list current):
 * - `bind-after-apply`: BIND serves a change the database does not hold yet: a zone (creation,
 *   settings such as a forward zone's forwarders, records, deletion), the RPZ rules, or the
 *   global forwarders (dns/forwarder-service.ts); never a rollback's restore
 *   (bind/managed-backend.ts).
 * - `outbox-after-commit`: a change and its outbox row are committed, the event not yet relayed
 *   (outbox/outbox.ts).
 * - `outbox-after-append`: the relay appended outbox rows to the event log and has not deleted
 *   them yet (outbox/outbox-relay.ts).
 * - `bulk-after-chunk`: an import job stored a chunk with its job-row counts and progress event;
 *   the job has not finished (dns/bulk-jobs.ts).
 */

export const FAULT_POINT_ENV = 'HDNS_TEST_CRASH_AT';

export type FaultPointName =
  'bind-after-apply' | 'outbox-after-commit' | 'outbox-after-append' | 'bulk-after-chunk';

export function faultPoint(name: FaultPointName): void {
  if (process.env[FAULT_POINT_ENV] !== name) return;
  process.kill(process.pid, 'SIGKILL');
  // Delivery is immediate on Linux; block anyway so no later statement can run before it lands.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
}
