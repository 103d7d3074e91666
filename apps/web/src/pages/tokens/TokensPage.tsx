/**
 * API tokens: the signed-in user's tokens (an admin may show everyone's), a form to create one
 * (its secret shown once), and revoke buttons. Tokens act with at most their owner's rights.
 */
import { useState, type ReactNode } from 'react';
import type { CreatedApiToken } from '@hdns/protocol/rest';
import { useApi, useSignedIn } from '../../auth/auth-context';
import { ResourceView } from '../../components/StateViews';
import { useResource } from '../../hooks/use-resource';
import { CreatedTokenNotice } from './CreatedTokenNotice';
import { TokenForm } from './TokenForm';
import { TokenRow } from './TokenRow';

export function TokensPage(): ReactNode {
  const api = useApi();
  const user = useSignedIn();
  const [all, setAll] = useState(false);
  const tokens = useResource(
    (signal) => api.listApiTokens({ query: { all: all ? 'true' : 'false' }, signal }),
    `api-tokens-${all ? 'all' : 'own'}`,
  );
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiToken | undefined>(undefined);
  const drop = (id: string) =>
    tokens.setData((d) => d && { tokens: d.tokens.filter((t) => t.id !== id) });

  return (
    <section className="page" aria-labelledby="tokens-title">
      <h1 id="tokens-title">API tokens</h1>
      <p className="muted">
        Tokens let scripts and the CLI call the API and follow events without your password. A token
        never does more than you may; revoking it ends its connections at once.
      </p>
      <article className="card" aria-labelledby="token-list-title">
        <header className="card-head">
          <h2 id="token-list-title">{all ? 'All tokens' : 'Your tokens'}</h2>
          <div className="card-tools">
            {user.role === 'admin' && (
              <label className="check">
                <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />{' '}
                Everyone&apos;s
              </label>
            )}
            {!creating && (
              <button
                type="button"
                className="btn btn-primary btn-small"
                onClick={() => {
                  setCreated(undefined);
                  setCreating(true);
                }}
              >
                New token
              </button>
            )}
          </div>
        </header>
        {created && <CreatedTokenNotice created={created} onDone={() => setCreated(undefined)} />}
        {creating && (
          <TokenForm
            onCancel={() => setCreating(false)}
            onCreated={(c) => {
              setCreating(false);
              setCreated(c);
              tokens.reload();
            }}
          />
        )}
        <ResourceView
          resource={tokens}
          isEmpty={(d) => d.tokens.length === 0}
          empty="No API tokens."
        >
          {(d) => (
            <div className="table-wrap">
              <table className="table compact" aria-label="API tokens">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    {all && <th scope="col">Owner</th>}
                    <th scope="col">Role</th>
                    <th scope="col">Zones</th>
                    <th scope="col">Access</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Last used</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.tokens.map((t) => (
                    <TokenRow key={t.id} token={t} showOwner={all} onRevoked={drop} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </ResourceView>
      </article>
    </section>
  );
}
