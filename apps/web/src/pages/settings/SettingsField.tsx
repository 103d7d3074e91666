/**
 * One control of the DNS settings form with what the form knows about its field: the error
 * (client check or server refusal, linked with aria-describedby so a screen reader reads it),
 * the environment variable that locks it, and a hint. Locked and read-only fields are disabled.
 */
import { cloneElement, useId, type ReactElement, type ReactNode } from 'react';
import type { DnsSettingsDraft } from './dns-settings-draft';
import type { SettingsField as FieldPath } from './settings-fields';

/** What every control of the form reads and changes. */
export interface SettingsFormState {
  draft: DnsSettingsDraft;
  update: (change: (d: DnsSettingsDraft) => DnsSettingsDraft) => void;
  /** The message to show now for a field (server refusal, or client check once touched). */
  errorOf: (field: FieldPath) => string | undefined;
  /** The variable that fixes the field (`HDNS_…`), if the environment does. */
  lockOf: (field: FieldPath) => string | undefined;
  /** Mark a field as visited: its client-side errors show from then on. */
  touch: (field: FieldPath) => void;
  /** Nothing can be changed (system mode, BIND off). */
  readOnly: boolean;
}

interface ControlProps {
  id?: string;
  disabled?: boolean;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
  onBlur?: () => void;
}

function Notes({
  id,
  error,
  lock,
  hint,
}: {
  id: string;
  error: string | undefined;
  lock: string | undefined;
  hint: ReactNode;
}): ReactNode {
  return (
    <>
      {lock && (
        <span id={`${id}-lock`} className="small muted" data-testid="locked-hint">
          set by {lock}
        </span>
      )}
      {hint && !lock && (
        <span id={`${id}-hint`} className="small muted">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="form-error small" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

function describedBy(id: string, error?: string, lock?: string, hint?: ReactNode): string {
  return [lock && `${id}-lock`, hint && !lock && `${id}-hint`, error && `${id}-error`]
    .filter(Boolean)
    .join(' ');
}

export function SettingsField({
  form,
  field,
  label,
  hint,
  className,
  children,
}: {
  form: SettingsFormState;
  field: FieldPath;
  label: ReactNode;
  hint?: ReactNode;
  className?: string;
  children: ReactElement<ControlProps>;
}): ReactNode {
  const id = useId();
  const error = form.errorOf(field);
  const lock = form.lockOf(field);
  const describe = describedBy(id, error, lock, hint);
  return (
    <div className={`field${className ? ` ${className}` : ''}`} data-field={field}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, {
        id,
        disabled: form.readOnly || lock !== undefined || children.props.disabled === true,
        'aria-invalid': error !== undefined,
        ...(describe ? { 'aria-describedby': describe } : {}),
        onBlur: () => form.touch(field),
      })}
      <Notes id={id} error={error} lock={lock} hint={hint} />
    </div>
  );
}

/** A checkbox setting: the label wraps the box, the notes follow it. */
export function SettingsCheck({
  form,
  field,
  label,
  checked,
  onChange,
  hint,
}: {
  form: SettingsFormState;
  field: FieldPath;
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: ReactNode;
}): ReactNode {
  const id = useId();
  const error = form.errorOf(field);
  const lock = form.lockOf(field);
  const describe = describedBy(id, error, lock, hint);
  return (
    <div className="field" data-field={field}>
      <label className="check">
        <input
          type="checkbox"
          checked={checked}
          disabled={form.readOnly || lock !== undefined}
          aria-invalid={error !== undefined}
          {...(describe ? { 'aria-describedby': describe } : {})}
          onChange={(e) => onChange(e.target.checked)}
        />
        {label}
      </label>
      <Notes id={id} error={error} lock={lock} hint={hint} />
    </div>
  );
}
