/**
 * Zone files in and out: BIND zone-file and AXFR imports and zone exports
 * (/api/zones/:zone/import/zonefile, /import/axfr, /export).
 */
import { z } from 'zod';
import { recordSchema, zoneSchema } from './zone-schemas.js';

/** The largest zone file (and AXFR answer) accepted, in characters. */
export const MAX_ZONE_FILE_CHARS = 8 * 1024 * 1024;

/** What both imports share. */
const importOptions = {
  createZone: z
    .boolean()
    .default(false)
    .describe(
      'Create the zone (a primary, named by the path) before importing; its SOA mname, rname and timers come from the file. Without it the zone must exist and its SOA settings are kept.',
    ),
};

export const zoneFileImportBodySchema = z.object({
  text: z
    .string()
    .min(1)
    .max(MAX_ZONE_FILE_CHARS)
    .describe('The zone file as BIND reads it ($ORIGIN, $TTL, relative names, parentheses)'),
  ...importOptions,
});
export type ZoneFileImportBody = z.input<typeof zoneFileImportBodySchema>;

/** TSIG algorithms a source server may use for the transfer (wider than the keys kept here). */
export const AXFR_TSIG_ALGORITHMS = [
  'hmac-sha256',
  'hmac-sha512',
  'hmac-sha384',
  'hmac-sha224',
  'hmac-sha1',
  'hmac-md5',
] as const;

export const axfrTsigKeySchema = z.object({
  name: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/, 'must be a key name like transfer-key'),
  algorithm: z.enum(AXFR_TSIG_ALGORITHMS).default('hmac-sha256'),
  secret: z
    .string()
    .min(4)
    .max(512)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
});

export const axfrImportBodySchema = z.object({
  server: z.union([z.ipv4(), z.ipv6()]).describe('Address of the server to transfer from'),
  port: z.number().int().min(1).max(65_535).optional().describe('Default 53'),
  zone: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9_.-]+$/, 'must be a zone name')
    .optional()
    .describe("The zone to transfer; default the path's zone"),
  tsig: axfrTsigKeySchema.optional(),
  ...importOptions,
});
export type AxfrImportBody = z.input<typeof axfrImportBodySchema>;

export const EXPORT_FORMATS = ['bind', 'json'] as const;
export const zoneExportQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS).default('bind'),
});

/** `format=json`: the zone and its records in their REST shapes. */
export const zoneExportJsonSchema = z.object({
  zone: zoneSchema,
  records: z.array(recordSchema),
});
export type ZoneExportJson = z.infer<typeof zoneExportJsonSchema>;

/** `format=bind` answers text/plain (the zone file); `format=json` the object above. */
export const zoneExportSchema = z.union([
  z.string().describe('The zone file (text/plain)'),
  zoneExportJsonSchema,
]);
