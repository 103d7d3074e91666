/**
 * The listen addresses of one family as removable chips, with a picker offering `any` and the
 * addresses this host has (the server refuses any other: named cannot bind an address the host
 * does not have). No address at all means loopback only, which the hint says.
 */
import { useId, useState, type ReactNode } from 'react';
import type { DnsSettingsView } from '@hdns/protocol/rest';
import { offeredAddresses, type Family } from './listen-addresses';
import type { SettingsFormState } from './SettingsField';

export function AddressPicker({
  form,
  family,
  hostAddresses,
}: {
  form: SettingsFormState;
  family: Family;
  hostAddresses: DnsSettingsView['hostAddresses'];
}): ReactNode {
  const field = family === 'ipv4' ? 'listen/ipv4' : 'listen/ipv6';
  const id = useId();
  const [pick, setPick] = useState('');
  const chosen = form.draft[family];
  const offered = offeredAddresses(family, hostAddresses, chosen);
  const lock = form.lockOf(field);
  const disabled = form.readOnly || lock !== undefined;
  const error = form.errorOf(field);
  const title = family === 'ipv4' ? 'IPv4 listen addresses' : 'IPv6 listen addresses';
  const set = (list: readonly string[]) => {
    form.update((d) => ({ ...d, [family]: list }));
    form.touch(field);
  };

  return (
    <fieldset className="field grow subform" data-field={field} aria-describedby={`${id}-notes`}>
      <legend>{title}</legend>
      <div className="toolbar" role="list" aria-label={title}>
        {chosen.length === 0 && (
          <span role="listitem" className="muted small">
            none: loopback only
          </span>
        )}
        {chosen.map((a) => (
          <span
            key={a}
            role="listitem"
            className="pill pill-muted"
            data-testid={`listen-${family}`}
          >
            <span className="mono">{a}</span>{' '}
            {!disabled && (
              <button
                type="button"
                className="icon-btn"
                aria-label={`Remove ${a}`}
                onClick={() => set(chosen.filter((x) => x !== a))}
              >
                ×
              </button>
            )}
          </span>
        ))}
      </div>
      {!disabled && offered.length > 0 && (
        <div className="toolbar">
          <select
            aria-label={`Add ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`}
            value={pick}
            onChange={(e) => setPick(e.target.value)}
          >
            <option value="">Add an address…</option>
            {offered.map((o) => (
              <option key={o.address} value={o.address}>
                {o.label}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn btn-small"
            disabled={pick === ''}
            onClick={() => {
              // `any` covers every address: it replaces the others instead of joining them.
              set(pick === 'any' ? ['any'] : [...chosen.filter((x) => x !== 'any'), pick]);
              setPick('');
            }}
          >
            Add
          </button>
        </div>
      )}
      <span id={`${id}-notes`}>
        {lock && (
          <span className="small muted" data-testid="locked-hint">
            set by {lock}
          </span>
        )}
        {error && (
          <span className="form-error small" role="alert">
            {' '}
            {error}
          </span>
        )}
      </span>
    </fieldset>
  );
}
