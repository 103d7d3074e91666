import type { BindBinaries, LocatedBinaries } from './bind-binaries.js';
import { locateBindBinaries } from './bind-binaries.js';
import type { BindPorts } from './bind-layout.js';

/**
 * Decides, once at start, how the app talks to BIND:
 * - `managed`: the app runs its own named under its data directory (default when the BIND
 *   tools are installed);
 * - `system`: an existing BIND (e.g. Debian's service) that the app reaches through the given
 *   directories, rndc key and ports; the app writes zone files and an include file there;
 * - `off`: no BIND (tools missing or configured off); DNS features answer BIND_UNAVAILABLE.
 * Returns a one-line `reason` for the start-up log. Pure apart from the PATH lookup, which
 * can be injected.
 */

export type BindMode = 'managed' | 'system' | 'off';

export interface SystemBindSettings {
  /** Directory the app writes zone files to (named must be able to read it). */
  zonesDir: string;
  /** File the app writes its zone statements to; the system named.conf includes it. */
  includeFile: string;
  rndcKeyFile: string;
  rndcKeyName: string;
  ports: BindPorts;
}

export interface BindModeInput {
  /** `auto` (default): managed when named is found, off otherwise. */
  requested?: BindMode | 'auto';
  system?: SystemBindSettings;
  locate?: () => LocatedBinaries;
}

export type BindModeDecision =
  | { mode: 'managed'; reason: string; binaries: BindBinaries }
  | { mode: 'system'; reason: string; binaries: BindBinaries; system: SystemBindSettings }
  | { mode: 'off'; reason: string };

export function decideBindMode(input: BindModeInput = {}): BindModeDecision {
  const requested = input.requested ?? 'auto';
  if (requested === 'off')
    return { mode: 'off', reason: 'BIND integration disabled by configuration' };
  const located = (input.locate ?? (() => locateBindBinaries()))();
  const binaries = located.complete;
  if (!binaries) {
    const missing = located.missing.join(', ');
    if (requested === 'auto') return { mode: 'off', reason: `BIND tools not found (${missing})` };
    return {
      mode: 'off',
      reason: `${requested} mode requested but BIND tools are missing (${missing})`,
    };
  }
  if (requested === 'system') {
    if (!input.system) {
      return {
        mode: 'off',
        reason: 'system mode requested without directories, rndc key and ports',
      };
    }
    const { ports, rndcKeyFile } = input.system;
    return {
      mode: 'system',
      reason: `using the system BIND (rndc 127.0.0.1:${ports.rndc}, key ${rndcKeyFile})`,
      binaries,
      system: input.system,
    };
  }
  return { mode: 'managed', reason: `running own named (${binaries.named})`, binaries };
}
