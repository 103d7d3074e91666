/**
 * BIND's response rate limiting (`rate-limit { … }`): on/off, the rate, the window, slip, the
 * log-only mode for tuning, and clients exempt from it (one ACL entry per line).
 */
import type { ReactNode } from 'react';
import { SettingsCheck, SettingsField, type SettingsFormState } from './SettingsField';
import type { DnsSettingsDraft } from './dns-settings-draft';

type RateLimitDraft = DnsSettingsDraft['rateLimit'];

export function RateLimitFields({ form }: { form: SettingsFormState }): ReactNode {
  const rl = form.draft.rateLimit;
  const set = (change: Partial<RateLimitDraft>) =>
    form.update((d) => ({ ...d, rateLimit: { ...d.rateLimit, ...change } }));

  return (
    <fieldset className="form subform" aria-labelledby="rrl-title">
      <legend id="rrl-title">Response rate limiting</legend>
      <div className="form-row">
        <SettingsCheck
          form={form}
          field="rateLimit/enabled"
          label="Limit identical responses (against reflection attacks)"
          checked={rl.enabled}
          onChange={(enabled) => set({ enabled })}
        />
        <SettingsCheck
          form={form}
          field="rateLimit/logOnly"
          label="Log only (drop nothing)"
          checked={rl.logOnly}
          onChange={(logOnly) => set({ logOnly })}
        />
      </div>
      {/* Top-aligned: the Slip hint hangs below its input instead of lifting it out of line. */}
      <div className="form-row top">
        <SettingsField
          form={form}
          field="rateLimit/responsesPerSecond"
          label="Responses per second"
          className="narrow"
        >
          <input
            type="number"
            min={1}
            inputMode="numeric"
            value={rl.responsesPerSecond}
            onChange={(e) => set({ responsesPerSecond: e.target.value })}
          />
        </SettingsField>
        <SettingsField form={form} field="rateLimit/window" label="Window (s)" className="narrow">
          <input
            type="number"
            min={1}
            inputMode="numeric"
            value={rl.window}
            onChange={(e) => set({ window: e.target.value })}
          />
        </SettingsField>
        <SettingsField
          form={form}
          field="rateLimit/slip"
          label="Slip"
          className="narrow"
          hint="every Nth dropped answer goes out truncated; 0: none"
        >
          <input
            type="number"
            min={0}
            inputMode="numeric"
            value={rl.slip}
            onChange={(e) => set({ slip: e.target.value })}
          />
        </SettingsField>
      </div>
      <SettingsField
        form={form}
        field="rateLimit/exemptClients"
        label="Exempt clients"
        hint="one address, CIDR or keyword per line"
      >
        <textarea
          rows={2}
          spellCheck={false}
          className="mono"
          value={rl.exemptClients}
          onChange={(e) => set({ exemptClients: e.target.value })}
        />
      </SettingsField>
    </fieldset>
  );
}
