import type { DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig } from './config.js';

/**
 * Where the server log goes. JSON lines on stdout (pino's own destination) are what journald,
 * `docker logs` and log shippers read; a person at a terminal gets pino-pretty's lines instead.
 * `auto` decides by whether stdout is a terminal, so `npm start` in a shell is readable and the
 * same command under systemd logs JSON. Redaction happens in pino before either destination.
 *
 * Returns undefined for JSON: Fastify then writes to stdout as before.
 */
export function logDestination(
  format: AppConfig['logFormat'],
  stdoutIsTty: boolean,
  /** Where pretty lines go; stdout unless a test captures them. */
  destination?: NodeJS.WritableStream,
): DestinationStream | undefined {
  const mode = format === 'auto' ? (stdoutIsTty ? 'pretty' : 'json') : format;
  if (mode === 'json') return undefined;
  return pretty({
    colorize: stdoutIsTty,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    ignore: 'pid,hostname',
    // Synchronous like pino's default stdout, so the last lines before an exit are not lost.
    sync: true,
    ...(destination ? { destination } : {}),
  });
}
