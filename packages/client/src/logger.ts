/**
 * The logging seam. Structured `data` never contains tokens: the client logs frame types and
 * ids, not frame bodies.
 */
export interface ClientLogger {
  debug?(message: string, data?: object): void;
  warn(message: string, data?: object): void;
  error(message: string, data?: object): void;
}

/** Warnings and errors go to the console; debug output is off unless a logger is passed. */
export const consoleLogger: ClientLogger = {
  warn: (message, data) => console.warn(`[hdns-client] ${message}`, data ?? ''),
  error: (message, data) => console.error(`[hdns-client] ${message}`, data ?? ''),
};
