/**
 * `hdns records list|add|update|delete ZONE …`: a zone's records over the REST API.
 *
 * Contract: input is checked with the protocol's record schema before anything is sent (a bad
 * value is a usage error, exit 2). add prints the new record's id on stdout (text) so scripts can
 * capture it; update reads the record first and sends it whole with its version (PUT), so the
 * fields not given keep their values and a concurrent change is refused (409 → exit 4). With
 * --json each prints the REST body (delete: {"deleted":ID}). An unknown zone or id exits 3.
 */
import {
  RECORD_TYPES,
  recordInputSchema,
  type DnsRecord,
  type RecordInput,
} from '@hdns/protocol/rest';
import { CliError, EXIT_NOT_FOUND, EXIT_OK, usageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { cell } from '../table.js';
import { firstIssue, oneOf, wholeNumber } from './parse.js';
import { call, callNoContent, printTable, type JsonOption } from './rest-command.js';

export interface RecordOptions extends JsonOption {
  name?: string;
  type?: string;
  value?: string;
  ttl?: string;
  priority?: string;
  weight?: string;
  port?: string;
  flags?: string;
  tag?: string;
}

const U16 = 65_535;

/** The data column: the value with the type's extra fields in zone-file order. */
export function recordData(r: DnsRecord): string {
  if (r.type === 'MX') return `${cell(r.priority)} ${r.value}`;
  if (r.type === 'SRV') return `${cell(r.priority)} ${cell(r.weight)} ${cell(r.port)} ${r.value}`;
  if (r.type === 'CAA') return `${cell(r.flags)} ${cell(r.tag)} "${r.value}"`;
  return r.value;
}

export async function listRecords(zone: string, opts: JsonOption, out: Output): Promise<number> {
  const body = await call(`cannot list the records of ${zone}`, 'listRecords', {
    params: { zone },
  });
  if (opts.json) out.line(JSON.stringify(body));
  else {
    printTable(
      out,
      ['ID', 'NAME', 'TYPE', 'TTL', 'DATA'],
      body.records.map((r) => [r.id, r.name, r.type, cell(r.ttl), recordData(r)]),
      `no records in ${zone}`,
    );
  }
  return EXIT_OK;
}

/** Builds and checks a record input; `base` supplies what the options leave out. */
function recordInput(
  fields: { name: string; type: string; value: string },
  opts: RecordOptions,
  base?: DnsRecord,
): RecordInput {
  const type = oneOf('TYPE', fields.type.toUpperCase(), RECORD_TYPES);
  const num = (option: string, raw: string | undefined, kept: number | null | undefined) =>
    wholeNumber(option, raw, 0, U16) ?? kept ?? undefined;
  const candidate = {
    name: fields.name,
    type,
    value: fields.value,
    ttl: wholeNumber('--ttl', opts.ttl, 0, 2_147_483_647) ?? base?.ttl ?? undefined,
    priority: num('--priority', opts.priority, base?.priority),
    weight: num('--weight', opts.weight, base?.weight),
    port: num('--port', opts.port, base?.port),
    flags: wholeNumber('--flags', opts.flags, 0, 255) ?? base?.flags ?? undefined,
    tag: opts.tag ?? base?.tag ?? undefined,
  };
  const parsed = recordInputSchema.safeParse(candidate);
  if (!parsed.success) throw usageError(`invalid ${type} record: ${firstIssue(parsed.error)}`);
  return parsed.data;
}

export async function addRecord(
  zone: string,
  fields: { name: string; type: string; value: string },
  opts: RecordOptions,
  out: Output,
): Promise<number> {
  const input = recordInput(fields, opts);
  const record = await call(`cannot add the record to ${zone}`, 'createRecord', {
    params: { zone },
    body: input,
  });
  if (opts.json) out.line(JSON.stringify(record));
  else {
    out.line(record.id);
    out.notice(`added ${record.name} ${record.type} ${recordData(record)} to ${zone}`);
  }
  return EXIT_OK;
}

export async function updateRecord(
  zone: string,
  id: string,
  opts: RecordOptions,
  out: Output,
): Promise<number> {
  const { records } = await call(`cannot read the records of ${zone}`, 'listRecords', {
    params: { zone },
  });
  const current = records.find((r) => r.id === id);
  if (!current) throw new CliError(`no record ${id} in ${zone}`, EXIT_NOT_FOUND);
  const input = recordInput(
    {
      name: opts.name ?? current.name,
      type: opts.type ?? current.type,
      value: opts.value ?? current.value,
    },
    opts,
    current,
  );
  const record = await call(`cannot update record ${id}`, 'updateRecord', {
    params: { zone, id },
    body: { ...input, version: current.version },
  });
  if (opts.json) out.line(JSON.stringify(record));
  else out.notice(`updated ${record.id}: ${record.name} ${record.type} ${recordData(record)}`);
  return EXIT_OK;
}

export async function deleteRecord(
  zone: string,
  id: string,
  opts: JsonOption,
  out: Output,
): Promise<number> {
  await callNoContent(`cannot delete record ${id}`, 'deleteRecord', {
    params: { zone, id },
    query: {},
  });
  if (opts.json) out.line(JSON.stringify({ deleted: id }));
  else out.notice(`deleted record ${id} from ${zone}`);
  return EXIT_OK;
}
