/** The SMTP settings of an email channel; the password is write-only (blank keeps it). */
import type { ReactNode } from 'react';
import { Field } from '../../components/Field';
import type { ChannelDraft } from './channel-draft';

export function EmailFields({
  draft: d,
  set,
  hasPassword,
}: {
  draft: ChannelDraft;
  set: (patch: Partial<ChannelDraft>) => void;
  /** Editing a channel with a stored password. */
  hasPassword: boolean;
}): ReactNode {
  return (
    <>
      <div className="form-row">
        <Field label="SMTP host" className="grow">
          <input value={d.smtpHost} required onChange={(e) => set({ smtpHost: e.target.value })} />
        </Field>
        <Field label="SMTP port" className="narrow">
          <input
            type="number"
            min={1}
            max={65535}
            value={d.smtpPort}
            onChange={(e) => set({ smtpPort: e.target.value })}
          />
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={d.smtpSecure}
            onChange={(e) => set({ smtpSecure: e.target.checked })}
          />
          TLS from the start (port 465)
        </label>
      </div>
      <div className="form-row">
        <Field label="SMTP user">
          <input
            value={d.smtpUser}
            autoComplete="off"
            onChange={(e) => set({ smtpUser: e.target.value })}
          />
        </Field>
        <Field
          label={hasPassword ? 'SMTP password (blank keeps the current one)' : 'SMTP password'}
        >
          <input
            type="password"
            autoComplete="new-password"
            value={d.smtpPassword}
            onChange={(e) => set({ smtpPassword: e.target.value })}
          />
        </Field>
      </div>
      <div className="form-row">
        <Field label="From">
          <input
            type="email"
            required
            value={d.from}
            onChange={(e) => set({ from: e.target.value })}
          />
        </Field>
        <Field label="To (comma-separated)" className="grow">
          <input value={d.to} required onChange={(e) => set({ to: e.target.value })} />
        </Field>
      </div>
    </>
  );
}
