/** The rule's condition: none (every matching event), a count, a ratio or a held state. */
import type { ReactNode } from 'react';
import { ALERT_GROUP_FIELDS } from '@hdns/protocol/rest';
import { Field } from '../../components/Field';
import type { ConditionKind, GroupField, RuleDraft } from './rule-draft';

type NumberField = 'count' | 'windowSec' | 'forSec' | 'abovePercent' | 'minEvents';

const KINDS: readonly { kind: ConditionKind; label: string }[] = [
  { kind: 'none', label: 'None: every matching event' },
  { kind: 'count', label: 'Count: N events within a window' },
  { kind: 'ratio', label: 'Ratio: share of events above a percentage' },
  { kind: 'held', label: 'Held: a state lasting a while' },
];

export function ConditionFields({
  draft: d,
  set,
}: {
  draft: RuleDraft;
  set: (patch: Partial<RuleDraft>) => void;
}): ReactNode {
  const number = (label: string, key: NumberField, min: number, step = 1) => (
    <Field label={label} className="narrow">
      <input
        type="number"
        min={min}
        step={step}
        required
        value={d[key]}
        onChange={(e) => set({ [key]: e.target.value })}
      />
    </Field>
  );
  return (
    <fieldset className="form subform">
      <legend>When it fires</legend>
      <div className="form-row">
        <Field label="Condition">
          <select value={d.kind} onChange={(e) => set({ kind: e.target.value as ConditionKind })}>
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
        {d.kind !== 'none' && (
          <Field label="Per value of">
            <select
              value={d.groupBy}
              onChange={(e) => set({ groupBy: e.target.value as GroupField | '' })}
            >
              <option value="">All together</option>
              {ALERT_GROUP_FIELDS.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </Field>
        )}
      </div>
      {d.kind === 'count' && (
        <div className="form-row">
          {number('Events', 'count', 1)}
          {number('Window (s)', 'windowSec', 1)}
        </div>
      )}
      {(d.kind === 'ratio' || d.kind === 'held') && (
        <div className="form-row">
          <Field label="When field">
            <input
              value={d.whenField}
              placeholder="rcode"
              onChange={(e) => set({ whenField: e.target.value })}
            />
          </Field>
          <Field label="Is one of (comma-separated)" className="grow">
            <input
              value={d.whenValues}
              placeholder="SERVFAIL, REFUSED"
              required
              onChange={(e) => set({ whenValues: e.target.value })}
            />
          </Field>
        </div>
      )}
      {d.kind === 'ratio' && (
        <div className="form-row">
          {number('Above %', 'abovePercent', 0, 0.1)}
          {number('Window (s)', 'windowSec', 1)}
          {number('For (s)', 'forSec', 0)}
          {number('At least events', 'minEvents', 1)}
        </div>
      )}
      {d.kind === 'held' && <div className="form-row">{number('For (s)', 'forSec', 1)}</div>}
    </fieldset>
  );
}
