/** One API token in the list, with its revoke button. */
import { useState, type ReactNode } from 'react';
import type { ApiToken } from '@hdns/protocol/rest';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { ConfirmButton } from '../../components/ConfirmButton';
import { formatDateTime } from '../../format';

export function TokenRow({
  token,
  showOwner,
  onRevoked,
}: {
  token: ApiToken;
  showOwner: boolean;
  onRevoked: (id: string) => void;
}): ReactNode {
  const api = useApi();
  const [error, setError] = useState<string | undefined>(undefined);
  const revoke = async () => {
    setError(undefined);
    try {
      await api.revokeApiToken({ params: { id: token.id } });
      onRevoked(token.id);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <tr>
      <td>
        <strong>{token.name}</strong>
        <div className="muted">
          <code>{token.prefix}…</code>
        </div>
      </td>
      {showOwner && <td>{token.ownerUsername}</td>}
      <td>{token.role}</td>
      <td>{token.zones === null ? 'all' : token.zones.join(', ') || 'none'}</td>
      <td>{token.readOnly ? 'read-only' : 'read-write'}</td>
      <td>{token.expiresAt === null ? 'never' : formatDateTime(token.expiresAt)}</td>
      <td>
        {token.lastUsedAt === null ? (
          'never'
        ) : (
          <>
            {formatDateTime(token.lastUsedAt)}
            {token.lastUsedFrom && <div className="muted">from {token.lastUsedFrom}</div>}
          </>
        )}
      </td>
      <td>
        <ConfirmButton
          label="Revoke"
          confirmLabel="Revoke now"
          ariaLabel={`Revoke token ${token.name}`}
          onConfirm={revoke}
        />
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}
