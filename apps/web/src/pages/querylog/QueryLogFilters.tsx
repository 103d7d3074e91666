/**
 * Client / domain / type / response code / transport filters of the query log (kept in
 * localStorage by the page). A response code or transport filter hides rows that have none:
 * text-log and still-partial queries.
 */
import { QUERY_TRANSPORTS } from '@hdns/protocol/rest';
import type { ReactNode } from 'react';
import type { QueryRow } from './query-buffer';
import { Field } from '../../components/Field';

export interface QueryFilters {
  client: string;
  domain: string;
  qtype: string;
  rcode: string;
  transport: string;
  blockedOnly: boolean;
}

export const EMPTY_FILTERS: QueryFilters = {
  client: '',
  domain: '',
  qtype: '',
  rcode: '',
  transport: '',
  blockedOnly: false,
};

export function matches(r: QueryRow, f: QueryFilters): boolean {
  if (f.client && !r.clientIp.includes(f.client.trim())) return false;
  if (f.domain && !r.qname.toLowerCase().includes(f.domain.trim().toLowerCase())) return false;
  if (f.qtype && r.qtype !== f.qtype) return false;
  if (f.rcode && r.rcode !== f.rcode) return false;
  if (f.transport && r.transport !== f.transport) return false;
  if (f.blockedOnly && !r.blocked) return false;
  return true;
}

const COMMON_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT', 'HTTPS'];
const COMMON_RCODES = ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED'];

function Choice({
  label,
  name,
  value,
  options,
  onChange,
}: {
  label: string;
  name: string;
  value: string;
  options: readonly string[];
  onChange: (next: string) => void;
}): ReactNode {
  return (
    <Field label={label}>
      <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any</option>
        {options.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function QueryLogFilters({
  value,
  onChange,
  qtypes,
  rcodes,
}: {
  value: QueryFilters;
  onChange: (next: QueryFilters) => void;
  qtypes: readonly string[];
  /** Response codes seen in the rows, offered beside the common ones. */
  rcodes: readonly string[];
}): ReactNode {
  const withSeen = (common: readonly string[], seen: readonly string[], chosen: string) =>
    [...new Set([...common, ...seen, ...(chosen ? [chosen] : [])])].sort();
  const types = withSeen(COMMON_TYPES, qtypes, value.qtype);
  const codes = withSeen(COMMON_RCODES, rcodes, value.rcode);
  const active =
    value.client ||
    value.domain ||
    value.qtype ||
    value.rcode ||
    value.transport ||
    value.blockedOnly;
  return (
    <form
      className="filters"
      role="search"
      aria-label="Filter queries"
      onSubmit={(e) => e.preventDefault()}
    >
      <Field label="Client">
        <input
          name="client"
          value={value.client}
          placeholder="e.g. 192.168.1."
          onChange={(e) => onChange({ ...value, client: e.target.value })}
        />
      </Field>
      <Field label="Domain">
        <input
          name="domain"
          value={value.domain}
          placeholder="e.g. example.com"
          onChange={(e) => onChange({ ...value, domain: e.target.value })}
        />
      </Field>
      <Choice
        label="Type"
        name="qtype"
        value={value.qtype}
        options={types}
        onChange={(qtype) => onChange({ ...value, qtype })}
      />
      <Choice
        label="Response"
        name="rcode"
        value={value.rcode}
        options={codes}
        onChange={(rcode) => onChange({ ...value, rcode })}
      />
      <Choice
        label="Transport"
        name="transport"
        value={value.transport}
        options={QUERY_TRANSPORTS}
        onChange={(transport) => onChange({ ...value, transport })}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={value.blockedOnly}
          onChange={(e) => onChange({ ...value, blockedOnly: e.target.checked })}
        />
        Blocked only
      </label>
      <button
        type="button"
        className="btn btn-small"
        disabled={!active}
        onClick={() => onChange(EMPTY_FILTERS)}
      >
        Clear filters
      </button>
    </form>
  );
}
