/** Filters of the event history: type, category and a time range. */
import type { ReactNode } from 'react';
import { CATEGORIES, EVENT_TYPES } from '@hdns/protocol';
import { Field } from '../../components/Field';

export interface EventFilterValues {
  type: string;
  category: string;
  /** datetime-local strings (local time). */
  since: string;
  until: string;
}

export const EMPTY_EVENT_FILTERS: EventFilterValues = {
  type: '',
  category: '',
  since: '',
  until: '',
};

export function EventFilters({
  value,
  onChange,
}: {
  value: EventFilterValues;
  onChange: (next: EventFilterValues) => void;
}): ReactNode {
  const set = (patch: Partial<EventFilterValues>) => onChange({ ...value, ...patch });
  const active = Object.values(value).some(Boolean);
  return (
    <form
      className="filters"
      role="search"
      aria-label="Filter events"
      onSubmit={(e) => e.preventDefault()}
    >
      <Field label="Category">
        <select
          name="category"
          value={value.category}
          onChange={(e) => set({ category: e.target.value })}
        >
          <option value="">All</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Type">
        <select name="type" value={value.type} onChange={(e) => set({ type: e.target.value })}>
          <option value="">All</option>
          {EVENT_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </Field>
      <Field label="From">
        <input
          type="datetime-local"
          value={value.since}
          onChange={(e) => set({ since: e.target.value })}
        />
      </Field>
      <Field label="To">
        <input
          type="datetime-local"
          value={value.until}
          onChange={(e) => set({ until: e.target.value })}
        />
      </Field>
      <button
        type="button"
        className="btn btn-small"
        disabled={!active}
        onClick={() => onChange(EMPTY_EVENT_FILTERS)}
      >
        Clear filters
      </button>
    </form>
  );
}
