/**
 * The "DNS service" form: where named listens, who may query and recurse, recursion, DNSSEC
 * validation, the forward policy and rate limiting. Controlled: DnsSettingsPanel owns the draft,
 * the save and the conflict handling; this renders the controls and the outcome line.
 */
import type { FormEvent, ReactNode } from 'react';
import {
  DNSSEC_VALIDATION_MODES,
  FORWARD_POLICIES,
  type DnsSettingsView,
} from '@hdns/protocol/rest';
import { AddressPicker } from './AddressPicker';
import { RateLimitFields } from './RateLimitFields';
import { SettingsCheck, SettingsField, type SettingsFormState } from './SettingsField';

const ACL_HINT =
  'one entry per line: any, none, localhost, localnets, an address or a CIDR; !negates';

export function DnsSettingsForm({
  form,
  view,
  topError,
  saved,
  busy,
  dirty,
  onSave,
  onDiscard,
  onServeLan,
}: {
  form: SettingsFormState;
  view: DnsSettingsView;
  topError: string | undefined;
  /** The last save's outcome, shown until the next edit. */
  saved: { version: number; applies: boolean } | undefined;
  busy: boolean;
  dirty: boolean;
  onSave: () => void;
  onDiscard: () => void;
  onServeLan: () => void;
}): ReactNode {
  const { draft, update } = form;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave();
  };

  return (
    <form className="form" onSubmit={submit} aria-label="DNS service" noValidate>
      {!view.applies && (
        <p className="notice" data-testid="settings-not-applied">
          These settings are not applied: named.conf is the operator&apos;s (system mode) or BIND is
          off. Shown read-only.
        </p>
      )}
      {topError && (
        <p className="form-error" role="alert" data-testid="settings-error">
          {topError}
        </p>
      )}
      <div className="toolbar">
        <button
          type="button"
          className="btn btn-small"
          disabled={form.readOnly}
          onClick={onServeLan}
          title="Listen on every address on port 53; queries and recursion from the local networks"
        >
          Serve the LAN
        </button>
        <span className="small muted">
          fills in: port 53 on every IPv4 and IPv6 address, allow-query and allow-recursion
          localnets, recursion on. Review, then save.
        </span>
      </div>

      <div className="form-row">
        <SettingsField form={form} field="listen/port" label="Listen port" className="narrow">
          <input
            type="number"
            min={1}
            max={65535}
            inputMode="numeric"
            value={draft.port}
            onChange={(e) => update((d) => ({ ...d, port: e.target.value }))}
          />
        </SettingsField>
        <AddressPicker form={form} family="ipv4" hostAddresses={view.hostAddresses} />
        <AddressPicker form={form} family="ipv6" hostAddresses={view.hostAddresses} />
      </div>

      <div className="form-row">
        <SettingsField
          form={form}
          field="allowQuery"
          label="Allow query"
          hint={ACL_HINT}
          className="grow"
        >
          <textarea
            rows={3}
            spellCheck={false}
            className="mono"
            value={draft.allowQuery}
            onChange={(e) => update((d) => ({ ...d, allowQuery: e.target.value }))}
          />
        </SettingsField>
        <SettingsField
          form={form}
          field="allowRecursion"
          label="Allow recursion"
          hint={ACL_HINT}
          className="grow"
        >
          <textarea
            rows={3}
            spellCheck={false}
            className="mono"
            value={draft.allowRecursion}
            onChange={(e) => update((d) => ({ ...d, allowRecursion: e.target.value }))}
          />
        </SettingsField>
      </div>

      <div className="form-row">
        <SettingsCheck
          form={form}
          field="recursion"
          label="Recursion (resolve names outside our zones)"
          checked={draft.recursion}
          onChange={(recursion) => update((d) => ({ ...d, recursion }))}
        />
        <SettingsField form={form} field="dnssecValidation" label="DNSSEC validation">
          <select
            value={draft.dnssecValidation}
            onChange={(e) =>
              update((d) => ({
                ...d,
                dnssecValidation:
                  DNSSEC_VALIDATION_MODES.find((m) => m === e.target.value) ?? d.dnssecValidation,
              }))
            }
          >
            {DNSSEC_VALIDATION_MODES.map((m) => (
              <option key={m} value={m}>
                {m === 'auto' ? 'auto (root trust anchor)' : 'no'}
              </option>
            ))}
          </select>
        </SettingsField>
        <SettingsField form={form} field="forwardPolicy" label="Forward policy">
          <select
            value={draft.forwardPolicy}
            onChange={(e) =>
              update((d) => ({
                ...d,
                forwardPolicy:
                  FORWARD_POLICIES.find((p) => p === e.target.value) ?? d.forwardPolicy,
              }))
            }
          >
            {FORWARD_POLICIES.map((p) => (
              <option key={p} value={p}>
                {p === 'first'
                  ? 'first (then resolve ourselves)'
                  : 'only (fail if forwarders fail)'}
              </option>
            ))}
          </select>
        </SettingsField>
      </div>

      <RateLimitFields form={form} />

      {!form.readOnly && (
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy || !dirty}>
            {busy ? 'Saving…' : 'Save DNS settings'}
          </button>
          <button type="button" className="btn" disabled={busy || !dirty} onClick={onDiscard}>
            Discard changes
          </button>
          <span className="small muted" data-testid="settings-version">
            version {view.version}
            {view.updatedAt ? ` · saved ${new Date(view.updatedAt).toLocaleString()}` : ''}
          </span>
        </div>
      )}
      {saved && !dirty && (
        <p role="status" className="small" data-testid="settings-saved">
          <span className={`pill pill-${saved.applies ? 'ok' : 'warn'}`}>
            {saved.applies ? 'Applied to named' : 'Saved, not applied'}
          </span>{' '}
          version {saved.version}
        </p>
      )}
    </form>
  );
}
