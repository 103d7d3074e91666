/** A logger that records calls, for unit tests. Kept out of src so it never ships. */
import type { ClientLogger } from '../../src/logger.js';

export interface RecordingLogger extends ClientLogger {
  readonly warnings: string[];
  readonly errors: string[];
}

export function recordingLogger(): RecordingLogger {
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    warnings,
    errors,
    warn: (message) => void warnings.push(message),
    error: (message) => void errors.push(message),
  };
}
