/**
 * Which events a rule looks at: types, priority, severity, zones, nodes and a data test. With no
 * event type filter a warning says the rule sees every event, and a box must be ticked to save.
 */
import { useId, type ReactNode } from 'react';
import { EVENT_TYPES, PRIORITIES, type EventType, type Priority } from '@hdns/protocol';
import { ALERT_SEVERITIES, type AlertRule, type AlertSeverity } from '@hdns/protocol/rest';
import { Field } from '../../components/Field';
import { everyEventWarning, MATCH_EVERYTHING_LABEL, type RuleDraft } from './rule-draft';

export function MatchFields({
  draft: d,
  set,
  rule,
}: {
  draft: RuleDraft;
  set: (patch: Partial<RuleDraft>) => void;
  /** The rule being edited: its hidden filters (categories, sources) count. */
  rule?: AlertRule;
}): ReactNode {
  const warningId = useId();
  const warning = everyEventWarning(d, rule);
  return (
    <fieldset className="form subform">
      <legend>Which events</legend>
      <div className="form-row">
        <Field label="Event types (none selected: any)">
          <select
            multiple
            size={5}
            value={d.types}
            onChange={(e) =>
              set({ types: [...e.target.selectedOptions].map((o) => o.value as EventType) })
            }
          >
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </Field>
        <Field label="At least priority">
          <select
            value={d.minPriority}
            onChange={(e) => set({ minPriority: e.target.value as Priority | '' })}
          >
            <option value="">Any</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </Field>
        <Field label="At least severity">
          <select
            value={d.minSeverity}
            onChange={(e) => set({ minSeverity: e.target.value as AlertSeverity | '' })}
          >
            <option value="">Any</option>
            {ALERT_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {warning && (
        <div className="match-all">
          <p id={warningId} className="form-warning">
            {warning}
          </p>
          <label className="check">
            <input
              type="checkbox"
              checked={d.matchEverything}
              aria-describedby={warningId}
              onChange={(e) => set({ matchEverything: e.target.checked })}
            />
            {MATCH_EVERYTHING_LABEL}
          </label>
        </div>
      )}
      <div className="form-row">
        <Field label="Zones (comma-separated)" className="grow">
          <input value={d.zones} onChange={(e) => set({ zones: e.target.value })} />
        </Field>
        <Field label="Nodes (comma-separated)" className="grow">
          <input value={d.nodes} onChange={(e) => set({ nodes: e.target.value })} />
        </Field>
        <Field label="Data test (field=value,value; …)" className="grow">
          <input
            value={d.where}
            placeholder="blocked=true"
            onChange={(e) => set({ where: e.target.value })}
          />
        </Field>
      </div>
    </fieldset>
  );
}
