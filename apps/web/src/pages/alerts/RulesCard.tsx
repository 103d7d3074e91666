/** The rules table (each rule in a few words) with edit and delete (admins), and the rule form. */
import { useState, type ReactNode } from 'react';
import { describeAlertRule, type AlertChannel, type ResponseOf } from '@hdns/protocol/rest';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ResourceView } from '../../components/StateViews';
import type { Resource } from '../../hooks/use-resource';
import { RuleForm } from './RuleForm';

export function RulesCard({
  rules,
  channels,
  canChange,
}: {
  rules: Resource<ResponseOf<'listAlertRules'>>;
  channels: readonly AlertChannel[];
  canChange: boolean;
}): ReactNode {
  const api = useApi();
  /** 'new', a rule id being edited, or null. */
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const edited = rules.data?.rules.find((r) => r.id === editing);
  const nameOf = (id: string) => channels.find((c) => c.id === id)?.name ?? id;
  const saved = () => {
    setEditing(null);
    rules.reload();
  };

  const remove = async (id: string) => {
    setError(undefined);
    try {
      await api.deleteAlertRule({ params: { id } });
      if (editing === id) setEditing(null);
      rules.reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <article className="card" aria-labelledby="rules-title">
      <header className="card-head">
        <h2 id="rules-title">Rules</h2>
        {canChange && editing === null && channels.length > 0 && (
          <div className="card-tools">
            <button
              type="button"
              className="btn btn-primary btn-small"
              onClick={() => setEditing('new')}
            >
              New rule
            </button>
          </div>
        )}
      </header>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {editing === 'new' && (
        <RuleForm channels={channels} onCancel={() => setEditing(null)} onSaved={saved} />
      )}
      {edited && (
        <RuleForm
          key={edited.id}
          channels={channels}
          rule={edited}
          onCancel={() => setEditing(null)}
          onSaved={saved}
        />
      )}
      <ResourceView resource={rules} isEmpty={(d) => d.rules.length === 0} empty="No rules.">
        {(d) => (
          <div className="table-wrap">
            <table className="table compact" aria-label="Rules">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Matches</th>
                  <th scope="col">Sends to</th>
                  <th scope="col">Escalation</th>
                  <th scope="col">Enabled</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.rules.map((r) => (
                  <tr key={r.id}>
                    <td>{r.name}</td>
                    <td>{describeAlertRule(r)}</td>
                    <td>{r.channelIds.map(nameOf).join(', ')}</td>
                    <td>
                      {r.escalation
                        ? `${nameOf(r.escalation.channelId)} after ${r.escalation.afterMinutes} min`
                        : '—'}
                    </td>
                    <td>{r.enabled ? 'yes' : 'no'}</td>
                    <td className="actions">
                      {canChange && (
                        <>
                          <button
                            type="button"
                            className="btn btn-small"
                            aria-label={`Edit rule ${r.name}`}
                            onClick={() => setEditing(r.id)}
                          >
                            Edit
                          </button>
                          <ConfirmButton
                            label="Delete"
                            ariaLabel={`Delete rule ${r.name}`}
                            onConfirm={() => remove(r.id)}
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
