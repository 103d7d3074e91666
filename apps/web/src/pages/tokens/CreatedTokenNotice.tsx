/** The secret of a token just created: shown this once, with a copy button. */
import type { ReactNode } from 'react';
import type { CreatedApiToken } from '@hdns/protocol/rest';
import { CopyButton } from '../replication/CopyButton';

export function CreatedTokenNotice({
  created,
  onDone,
}: {
  created: CreatedApiToken;
  onDone: () => void;
}): ReactNode {
  return (
    <div className="notice" role="status" aria-label="New token secret">
      <p>
        <strong>{created.token.name}</strong>: copy the token now. It is shown this once and cannot
        be shown again; only its hash is kept.
      </p>
      <p className="secret-line">
        <code data-testid="token-secret">{created.secret}</code>{' '}
        <CopyButton text={created.secret} label="Copy token" />
      </p>
      <p className="muted">
        Send it as <code>Authorization: Bearer …</code>, or sign the CLI in with{' '}
        <code>hdns login --url URL --token -</code>.
      </p>
      <button type="button" className="btn btn-small" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
