/**
 * Someone else saved the DNS settings while this form had unsaved edits (seen live through
 * config_change, or as a 409 on save). Both versions side by side, as the zone conflict panel
 * does; nothing is overwritten unless the admin chooses to.
 */
import type { ReactNode } from 'react';
import type { DnsNetworkSettings, DnsSettingsView } from '@hdns/protocol/rest';
import { settingsDiff } from './settings-summary';

export function SettingsConflict({
  mine,
  current,
  changedBy,
  onKeepCurrent,
  onEditAgain,
  onOverwrite,
}: {
  /** The draft as settings, or undefined while it does not validate. */
  mine: DnsNetworkSettings | undefined;
  current: DnsSettingsView;
  changedBy: string | undefined;
  onKeepCurrent: () => void;
  onEditAgain: () => void;
  onOverwrite: () => void;
}): ReactNode {
  const rows = mine ? settingsDiff(mine, current.settings) : [];
  return (
    <section
      className="card conflict"
      role="alert"
      aria-labelledby="settings-conflict-title"
      data-testid="settings-conflict"
    >
      <h2 id="settings-conflict-title">The DNS settings were changed while you were editing</h2>
      <p className="small">
        {changedBy ? `${changedBy} saved` : 'Someone saved'} a newer version (v{current.version}).
        Your changes are not saved yet.
      </p>
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">Setting</th>
                <th scope="col">Yours</th>
                <th scope="col">Current</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.label} className={r.differs ? 'diff' : undefined}>
                  <th scope="row">{r.label}</th>
                  <td className="mono">{r.mine}</td>
                  <td className="mono">{r.current}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="form-actions">
        <button type="button" className="btn btn-primary" onClick={onKeepCurrent}>
          Keep current
        </button>
        <button type="button" className="btn" onClick={onEditAgain}>
          Edit mine on top
        </button>
        <button
          type="button"
          className="btn btn-danger-ghost"
          disabled={mine === undefined}
          onClick={onOverwrite}
        >
          Overwrite with mine
        </button>
      </div>
    </section>
  );
}
