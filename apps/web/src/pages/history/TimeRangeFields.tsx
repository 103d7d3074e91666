/** The time picker: a preset (last 15 min … 7 days) or a custom from/to in local time. */
import type { ReactNode } from 'react';
import { Field } from '../../components/Field';
import {
  fromLocalInput,
  RANGE_PRESETS,
  toLocalInput,
  type RangePreset,
  type TimeRange,
} from './time-range';

export function TimeRangeFields({
  value,
  onChange,
}: {
  value: TimeRange;
  onChange: (next: TimeRange) => void;
}): ReactNode {
  return (
    <>
      <Field label="Time range">
        <select
          name="range"
          value={value.kind === 'preset' ? value.preset : 'custom'}
          onChange={(e) => {
            const v = e.target.value;
            const preset = RANGE_PRESETS.find((p) => p.id === v);
            if (preset) onChange({ kind: 'preset', preset: preset.id satisfies RangePreset });
            else onChange({ kind: 'custom', from: undefined, to: undefined });
          }}
        >
          {RANGE_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom…</option>
        </select>
      </Field>
      {value.kind === 'custom' && (
        <>
          <Field label="From">
            <input
              type="datetime-local"
              name="from"
              value={toLocalInput(value.from)}
              onChange={(e) => onChange({ ...value, from: fromLocalInput(e.target.value) })}
            />
          </Field>
          <Field label="To">
            <input
              type="datetime-local"
              name="to"
              value={toLocalInput(value.to)}
              onChange={(e) => onChange({ ...value, to: fromLocalInput(e.target.value) })}
            />
          </Field>
        </>
      )}
    </>
  );
}
