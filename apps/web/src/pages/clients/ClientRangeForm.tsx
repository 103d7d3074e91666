/** The client page's time picker: a preset applies at once, a custom range on "Apply". */
import { useState, type ReactNode } from 'react';
import { TimeRangeFields } from '../history/TimeRangeFields';
import type { TimeRange } from '../history/time-range';

export function ClientRangeForm({
  value,
  onChange,
}: {
  value: TimeRange;
  onChange: (next: TimeRange) => void;
}): ReactNode {
  const [draft, setDraft] = useState(value);
  return (
    <form
      className="filters"
      aria-label="Choose the time range"
      onSubmit={(e) => {
        e.preventDefault();
        onChange(draft);
      }}
    >
      <TimeRangeFields
        value={draft}
        onChange={(next) => {
          setDraft(next);
          if (next.kind === 'preset') onChange(next);
        }}
      />
      {draft.kind === 'custom' && (
        <button type="submit" className="btn btn-primary">
          Apply
        </button>
      )}
    </form>
  );
}
