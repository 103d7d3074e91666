/**
 * RPZ rules: filterable list; admins add, delete and bulk-import (with live progress). Rule
 * changes by others (rpz_update) reload the list.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { useRealtimeEvent } from '@hdns/react';
import { errorMessage } from '../../api/api-error';
import type { RpzRule } from '@hdns/protocol/rest';
import { useApi, useSignedIn } from '../../auth/auth-context';
import { canEditPolicy } from '../../auth/permissions';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ImportPanel } from '../../components/ImportPanel';
import { ResourceView } from '../../components/StateViews';
import { useResource } from '../../hooks/use-resource';
import { useOnResync } from '../../realtime/use-resync';
import { showToast } from '../../shell/toast-store';
import { RpzRuleForm } from './RpzRuleForm';
import { Field } from '../../components/Field';

const SHOWN = 200;

export function RpzRules(): ReactNode {
  const api = useApi();
  const user = useSignedIn();
  const editable = canEditPolicy(user);
  const rules = useResource((signal) => api.listRpzRules({ signal }), 'rpz');
  const [panel, setPanel] = useState<'none' | 'add' | 'import'>('none');
  const [filter, setFilter] = useState('');

  useOnResync(rules.reload);
  useRealtimeEvent('rpz_update', () => rules.reload());

  const filtered = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const all = rules.data?.rules ?? [];
    return q
      ? all.filter((r) => r.domain.includes(q) || r.category.includes(q) || r.action.includes(q))
      : all;
  }, [rules.data, filter]);

  const remove = async (r: RpzRule) => {
    try {
      await api.deleteRpzRule({ params: { id: r.id } });
      rules.setData((d) => d && { rules: d.rules.filter((x) => x.id !== r.id) });
    } catch (err) {
      showToast({
        level: 'warning',
        title: `Could not delete ${r.domain}`,
        body: errorMessage(err),
      });
    }
  };

  return (
    <article className="card span-2" aria-labelledby="rpz-title">
      <header className="card-head">
        <h2 id="rpz-title">Response policy rules</h2>
        {editable && panel === 'none' && (
          <div className="toolbar">
            <button
              type="button"
              className="btn btn-primary btn-small"
              onClick={() => setPanel('add')}
            >
              Add rule
            </button>
            <button type="button" className="btn btn-small" onClick={() => setPanel('import')}>
              Import
            </button>
          </div>
        )}
      </header>
      {panel === 'add' && (
        <RpzRuleForm
          onCancel={() => setPanel('none')}
          onCreated={(r) => {
            setPanel('none');
            rules.reload();
            showToast({ level: 'success', title: `Rule for ${r.domain} added` });
          }}
        />
      )}
      {panel === 'import' && (
        <ImportPanel
          start={(body) => api.importRpzRules({ body })}
          csvHeader="domain,action,redirectTo,category,comment"
          example={
            'domain,action,redirectTo,category,comment\nads.example,nxdomain,,ads,\n*.tracker.example,nxdomain,,tracking,'
          }
          onDone={rules.reload}
          onClose={() => setPanel('none')}
        />
      )}
      <Field label="Filter" className="inline">
        <input
          type="search"
          value={filter}
          placeholder="domain, category or action"
          onChange={(e) => setFilter(e.target.value)}
        />
      </Field>
      <ResourceView
        resource={rules}
        isEmpty={(d) => d.rules.length === 0}
        empty={editable ? 'No rules yet. Add one or import a block list.' : 'No rules.'}
      >
        {(d) => (
          <>
            <p className="muted small" aria-live="polite" data-testid="rule-count">
              {filtered.length === d.rules.length
                ? `${d.rules.length} rules`
                : `${filtered.length} of ${d.rules.length} rules`}
              {filtered.length > SHOWN && `, first ${SHOWN} shown`}
            </p>
            <div className="table-wrap">
              <table className="table compact">
                <thead>
                  <tr>
                    <th scope="col">Domain</th>
                    <th scope="col">Action</th>
                    <th scope="col">Category</th>
                    <th scope="col">Comment</th>
                    {editable && (
                      <th scope="col">
                        <span className="sr-only">Actions</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {filtered.slice(0, SHOWN).map((r) => (
                    <tr key={r.id} className={r.enabled ? undefined : 'muted'}>
                      <td data-label="Domain" className="mono break">
                        {r.domain}
                      </td>
                      <td data-label="Action">
                        {r.action}
                        {r.redirectTo && <span className="muted"> → {r.redirectTo}</span>}
                      </td>
                      <td data-label="Category">{r.category}</td>
                      <td data-label="Comment" className="muted">
                        {r.comment ?? ''}
                      </td>
                      {editable && (
                        <td className="actions">
                          <ConfirmButton
                            label="Delete"
                            ariaLabel={`Delete rule ${r.domain}`}
                            onConfirm={() => remove(r)}
                          />
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </ResourceView>
    </article>
  );
}
