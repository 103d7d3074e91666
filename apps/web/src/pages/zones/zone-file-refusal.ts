/**
 * What the zone-file forms show when the server refuses a file whole (ZONE_FILE_INVALID): a
 * sentence for the user and the offending lines. The API's own message names `details.errors`
 * and repeats the first line, so it is only shown for the other errors.
 */
import { errorMessage, isApiError } from '../../api/api-error';

export interface ZoneFileLineError {
  /** The line of the text sent; 0 where BIND names none. */
  line: number;
  message: string;
}

export interface ZoneFileRefusal {
  message: string;
  lines: ZoneFileLineError[];
}

export function zoneFileRefusal(err: unknown, consequence: string): ZoneFileRefusal {
  const errors = isApiError(err, 'ZONE_FILE_INVALID')
    ? (err.details as { errors?: unknown } | undefined)?.errors
    : undefined;
  const lines = Array.isArray(errors) ? (errors as ZoneFileLineError[]) : [];
  return lines.length > 0
    ? {
        message: `BIND could not read this zone file, so ${consequence}. Fix these lines and try again:`,
        lines,
      }
    : { message: errorMessage(err), lines };
}
