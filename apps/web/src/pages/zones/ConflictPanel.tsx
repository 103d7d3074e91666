/**
 * A stale edit: the record changed since it was opened. Shows both versions side by side and
 * lets the user keep theirs (take the current), edit again on top of the current version, or
 * deliberately overwrite. Nothing is overwritten silently.
 */
import type { ReactNode } from 'react';
import type { DnsRecord } from '@hdns/protocol/rest';
import { presentation } from './record-fields';
import type { StaleEdit } from './RecordForm';

export function ConflictPanel({
  conflict,
  changedBy,
  onKeepCurrent,
  onEditAgain,
  onOverwrite,
}: {
  conflict: StaleEdit;
  /** Who made the current version, when a live event told us. */
  changedBy: string | undefined;
  onKeepCurrent: (current: DnsRecord) => void;
  onEditAgain: () => void;
  onOverwrite: () => void;
}): ReactNode {
  const mine = presentation(conflict.mine);
  const current = presentation(conflict.current);
  const fields = [...new Set([...Object.keys(mine), ...Object.keys(current)])];
  return (
    <section
      className="card conflict"
      role="alert"
      aria-labelledby="conflict-title"
      data-testid="conflict"
    >
      <h2 id="conflict-title">This record was changed while you were editing</h2>
      <p className="small">
        {changedBy ? `${changedBy} saved` : 'Someone saved'} a newer version (v
        {conflict.current.version}). Your change was not saved.
      </p>
      <div className="table-wrap">
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Yours</th>
              <th scope="col">Current</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((f) => (
              <tr key={f} className={mine[f] !== current[f] ? 'diff' : undefined}>
                <th scope="row">{f}</th>
                <td className="mono">{mine[f] ?? '—'}</td>
                <td className="mono">{current[f] ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => onKeepCurrent(conflict.current)}
        >
          Keep current
        </button>
        <button type="button" className="btn" onClick={onEditAgain}>
          Edit again
        </button>
        <button type="button" className="btn btn-danger-ghost" onClick={onOverwrite}>
          Overwrite with mine
        </button>
      </div>
    </section>
  );
}
