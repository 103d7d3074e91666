/** Client / domain / type filters of the query log (kept in localStorage by the page). */
import type { ReactNode } from 'react';
import type { QueryRow } from './query-buffer';
import { Field } from '../../components/Field';

export interface QueryFilters {
  client: string;
  domain: string;
  qtype: string;
  blockedOnly: boolean;
}

export const EMPTY_FILTERS: QueryFilters = {
  client: '',
  domain: '',
  qtype: '',
  blockedOnly: false,
};

export function matches(r: QueryRow, f: QueryFilters): boolean {
  if (f.client && !r.clientIp.includes(f.client.trim())) return false;
  if (f.domain && !r.qname.toLowerCase().includes(f.domain.trim().toLowerCase())) return false;
  if (f.qtype && r.qtype !== f.qtype) return false;
  if (f.blockedOnly && !r.blocked) return false;
  return true;
}

const COMMON_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT', 'HTTPS'];

export function QueryLogFilters({
  value,
  onChange,
  qtypes,
}: {
  value: QueryFilters;
  onChange: (next: QueryFilters) => void;
  qtypes: readonly string[];
}): ReactNode {
  const types = [
    ...new Set([...COMMON_TYPES, ...qtypes, ...(value.qtype ? [value.qtype] : [])]),
  ].sort();
  const active = value.client || value.domain || value.qtype || value.blockedOnly;
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
      <Field label="Type">
        <select
          name="qtype"
          value={value.qtype}
          onChange={(e) => onChange({ ...value, qtype: e.target.value })}
        >
          <option value="">Any</option>
          {types.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </Field>
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
