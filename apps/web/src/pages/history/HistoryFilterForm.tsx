/**
 * The search form. It edits a draft; "Search" writes the draft into the URL (one history entry
 * per search, so the back button steps through searches). A field the server refused is marked.
 */
import { useState, type ReactNode } from 'react';
import { NAME_MATCHES, QUERY_TRANSPORTS } from '@hdns/protocol/rest';
import { Field } from '../../components/Field';
import type { FieldErrors } from './history-errors';
import {
  activeFilterCount,
  EMPTY_FILTERS,
  type HistoryFilters,
  type NameMatch,
} from './history-filters';
import { TimeRangeFields } from './TimeRangeFields';

const QTYPES = [
  'A',
  'AAAA',
  'CNAME',
  'MX',
  'TXT',
  'NS',
  'SOA',
  'PTR',
  'SRV',
  'HTTPS',
  'SVCB',
  'CAA',
  'ANY',
];
const RCODES = ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'FORMERR', 'NOTIMP'];
const MATCH_LABELS: Record<NameMatch, string> = {
  exact: 'exact',
  suffix: 'name and subdomains',
  substring: 'contains',
};

export function HistoryFilterForm({
  value,
  errors,
  onSearch,
}: {
  value: HistoryFilters;
  errors: FieldErrors;
  onSearch: (next: HistoryFilters) => void;
}): ReactNode {
  const [draft, setDraft] = useState(value);
  const set = (patch: Partial<HistoryFilters>) => setDraft((d) => ({ ...d, ...patch }));
  const text = (key: 'client' | 'name' | 'qtype' | 'rcode' | 'minLatencyMs' | 'node') => ({
    name: key,
    value: draft[key],
    onChange: (e: { target: { value: string } }) => set({ [key]: e.target.value }),
    'aria-invalid': errors[key] ? true : undefined,
  });
  // The refused field's label carries the server's reason (also in the error above the table).
  const label = (text: string, key: string): ReactNode =>
    errors[key] ? (
      <>
        {text}{' '}
        <span className="pill pill-bad" data-testid={`field-error-${key}`}>
          {errors[key]}
        </span>
      </>
    ) : (
      text
    );
  return (
    <form
      className="filters"
      role="search"
      aria-label="Search stored queries"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(draft);
      }}
    >
      <TimeRangeFields value={draft.range} onChange={(range) => set({ range })} />
      <Field label={label('Client', 'client')}>
        <input {...text('client')} placeholder="192.0.2.7 or 192.0.2.0/24" spellCheck={false} />
      </Field>
      <Field label={label('Name', 'name')}>
        <input {...text('name')} placeholder="example.com" spellCheck={false} />
      </Field>
      <Field label="Match">
        <select
          name="nameMatch"
          value={draft.nameMatch}
          onChange={(e) => {
            const m = NAME_MATCHES.find((n) => n === e.target.value);
            if (m) set({ nameMatch: m });
          }}
        >
          {NAME_MATCHES.map((m) => (
            <option key={m} value={m}>
              {MATCH_LABELS[m]}
            </option>
          ))}
        </select>
      </Field>
      <Field label={label('Type', 'qtype')} className="narrow">
        <input {...text('qtype')} list="history-qtypes" placeholder="A,AAAA" spellCheck={false} />
      </Field>
      <Field label={label('Rcode', 'rcode')} className="narrow">
        <input {...text('rcode')} list="history-rcodes" placeholder="NXDOMAIN" spellCheck={false} />
      </Field>
      <Field label="Blocked">
        <select
          name="blocked"
          value={draft.blocked}
          onChange={(e) => {
            const v = e.target.value;
            set({ blocked: v === 'true' || v === 'false' ? v : '' });
          }}
        >
          <option value="">Any</option>
          <option value="true">Blocked</option>
          <option value="false">Not blocked</option>
        </select>
      </Field>
      <Field label={label('Min latency (ms)', 'minLatencyMs')} className="narrow">
        <input {...text('minLatencyMs')} inputMode="decimal" />
      </Field>
      <Field label="Transport">
        <select
          name="transport"
          value={draft.transport}
          onChange={(e) => set({ transport: e.target.value })}
        >
          <option value="">Any</option>
          {QUERY_TRANSPORTS.map((t) => (
            <option key={t} value={t}>
              {t.toUpperCase()}
            </option>
          ))}
        </select>
      </Field>
      <Field label={label('Node', 'node')} className="narrow">
        <input {...text('node')} spellCheck={false} />
      </Field>
      <datalist id="history-qtypes">
        {QTYPES.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <datalist id="history-rcodes">
        {RCODES.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      <button type="submit" className="btn btn-primary">
        Search
      </button>
      <button
        type="button"
        className="btn"
        disabled={activeFilterCount(draft) === 0}
        onClick={() => {
          const cleared = { ...EMPTY_FILTERS, range: draft.range };
          setDraft(cleared);
          onSearch(cleared);
        }}
      >
        Clear filters
      </button>
    </form>
  );
}
