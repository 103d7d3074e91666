/**
 * Custom DNSSEC policies (named.conf's `dnssec-policy` statements): list, add, edit, remove.
 * They live in the DNS service settings, so each change saves the whole list with the settings'
 * version (the network fields as they are stored) and goes through named-checkconf like any
 * setting; config_change of scope `dns` reloads the list in every open dashboard. A policy a zone
 * signs with cannot be removed: the server names the zones (DNSSEC_POLICY_IN_USE).
 */
import { useState, type ReactNode } from 'react';
import type { EventFrame } from '@hdns/client';
import {
  dnsNetworkSettingsSchema,
  type DnssecPolicySpec,
  type DnsSettingsView,
} from '@hdns/protocol/rest';
import { useRealtimeEvent } from '@hdns/react';
import { errorMessage, isApiError } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ResourceView } from '../../components/StateViews';
import { useResource } from '../../hooks/use-resource';
import { useOnResync } from '../../realtime/use-resync';
import { showToast } from '../../shell/toast-store';
import { DnssecPolicyForm } from './DnssecPolicyForm';
import {
  ALGORITHM_LABELS,
  describeKeys,
  policyFieldOf,
  type PolicyErrors,
} from './dnssec-policy-draft';
import { pathSegments } from './settings-fields';

type Editor = { mode: 'none' } | { mode: 'add' } | { mode: 'edit'; name: string };

/** A refusal as the form shows it: the issues about policy `index` on their fields. */
function refusalOf(err: unknown, index: number): PolicyErrors {
  if (isApiError(err, 'STALE_VERSION')) {
    return { form: 'The settings changed meanwhile; the list was reloaded. Save again.' };
  }
  const errors: PolicyErrors = { form: errorMessage(err) };
  const issues = isApiError(err)
    ? (err.details as { issues?: { path?: unknown; message?: unknown }[] } | undefined)?.issues
    : undefined;
  for (const i of Array.isArray(issues) ? issues : []) {
    if (typeof i.path !== 'string' || typeof i.message !== 'string') continue;
    const segments = pathSegments(i.path);
    if (segments[0] === 'dnssecPolicies' && segments[1] !== String(index)) continue;
    const field = policyFieldOf(segments);
    if (field) errors[field] ??= i.message;
  }
  return errors;
}

export function DnssecPoliciesPanel(): ReactNode {
  const api = useApi();
  const view = useResource((signal) => api.getDnsSettings({ signal }), 'dns-settings');
  const [editor, setEditor] = useState<Editor>({ mode: 'none' });
  // A refused removal stays on the panel (it names the zones to change first).
  const [refusal, setRefusal] = useState<string | undefined>(undefined);

  useOnResync(view.reload);
  useRealtimeEvent('config_change', (e: EventFrame<'config_change'>) => {
    if (e.data.scope === 'dns') view.reload();
  });

  /** Saves `list` against the version shown; the refusal, or undefined when saved. */
  const save = async (current: DnsSettingsView, list: DnssecPolicySpec[]) => {
    const next = await api.updateDnsSettings({
      body: {
        ...dnsNetworkSettingsSchema.parse(current.settings),
        dnssecPolicies: list,
        version: current.version,
      },
    });
    view.setData(() => next);
  };

  const submit = async (
    current: DnsSettingsView,
    policy: DnssecPolicySpec,
    replacing: string | undefined,
  ): Promise<PolicyErrors | undefined> => {
    const policies = current.settings.dnssecPolicies;
    const at = replacing === undefined ? -1 : policies.findIndex((p) => p.name === replacing);
    const list = at < 0 ? [...policies, policy] : policies.map((p, i) => (i === at ? policy : p));
    try {
      await save(current, list);
    } catch (err) {
      if (isApiError(err, 'STALE_VERSION')) view.reload();
      return refusalOf(err, at < 0 ? list.length - 1 : at);
    }
    setEditor({ mode: 'none' });
    showToast({
      level: 'success',
      title: `DNSSEC policy ${policy.name} ${replacing === undefined ? 'added' : 'saved'}`,
    });
    return undefined;
  };

  const remove = async (current: DnsSettingsView, name: string) => {
    setRefusal(undefined);
    try {
      await save(
        current,
        current.settings.dnssecPolicies.filter((p) => p.name !== name),
      );
      showToast({ level: 'success', title: `DNSSEC policy ${name} removed` });
    } catch (err) {
      setRefusal(`Could not remove ${name}: ${errorMessage(err)}`);
      view.reload();
    }
  };

  const current = view.data;
  const readOnly = current !== undefined && !current.applies;
  const editing =
    editor.mode === 'edit'
      ? current?.settings.dnssecPolicies.find((p) => p.name === editor.name)
      : undefined;

  return (
    <article className="card" aria-labelledby="dnssec-policies-title" id="dnssec-policies">
      <header className="card-head">
        <h2 id="dnssec-policies-title">DNSSEC policies</h2>
        {editor.mode === 'none' && current && !readOnly && (
          <button
            type="button"
            className="btn btn-primary btn-small"
            onClick={() => {
              setRefusal(undefined);
              setEditor({ mode: 'add' });
            }}
          >
            Add policy
          </button>
        )}
      </header>
      <p className="small muted">
        Zones sign with BIND&apos;s <span className="mono">default</span> policy (one ECDSA P-256
        key, never rolled) or with one defined here; pick it in the zone&apos;s settings.
      </p>
      {readOnly && (
        <p className="notice small">
          Not applied: named.conf is the operator&apos;s (system mode) or BIND is off.
        </p>
      )}
      {refusal && (
        <p className="form-error" role="alert" data-testid="dnssec-policy-refusal">
          {refusal}
        </p>
      )}
      {current && editor.mode === 'add' && (
        <DnssecPolicyForm
          others={current.settings.dnssecPolicies}
          onSubmit={(p) => submit(current, p, undefined)}
          onCancel={() => setEditor({ mode: 'none' })}
        />
      )}
      {current && editing && (
        <DnssecPolicyForm
          key={editing.name}
          editing={editing}
          others={current.settings.dnssecPolicies.filter((p) => p !== editing)}
          onSubmit={(p) => submit(current, p, editing.name)}
          onCancel={() => setEditor({ mode: 'none' })}
        />
      )}
      <ResourceView
        resource={view}
        isEmpty={(d) => d.settings.dnssecPolicies.length === 0}
        empty="No custom policies: signed zones use BIND's default policy."
      >
        {(d) => (
          <div className="table-wrap">
            <table className="table compact" aria-label="DNSSEC policies">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Algorithm</th>
                  <th scope="col">Keys</th>
                  <th scope="col">Denial</th>
                  <th scope="col">Signatures</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.settings.dnssecPolicies.map((p) => (
                  <tr key={p.name} data-testid="dnssec-policy-row">
                    <td data-label="Name" className="mono">
                      {p.name}
                    </td>
                    <td data-label="Algorithm">{ALGORITHM_LABELS[p.algorithm]}</td>
                    <td data-label="Keys">{describeKeys(p)}</td>
                    <td data-label="Denial">{p.nsec3 ? 'NSEC3' : 'NSEC'}</td>
                    <td data-label="Signatures" className="mono">
                      {p.signaturesValidity ?? 'default'}
                    </td>
                    <td className="nowrap">
                      {!readOnly && (
                        <>
                          <button
                            type="button"
                            className="btn btn-small"
                            aria-label={`Edit DNSSEC policy ${p.name}`}
                            onClick={() => setEditor({ mode: 'edit', name: p.name })}
                          >
                            Edit
                          </button>{' '}
                          <ConfirmButton
                            label="Remove"
                            ariaLabel={`Remove DNSSEC policy ${p.name}`}
                            onConfirm={() => remove(d, p.name)}
                          />
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ResourceView>
    </article>
  );
}
