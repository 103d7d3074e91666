/**
 * The signed-in user's own account, for every role: change the password, see and end login
 * sessions, and choose which event categories raise toasts, only count as unread, or stay quiet.
 */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useSignedIn } from '../../auth/auth-context';
import { NotificationPrefsPanel } from './NotificationPrefsPanel';
import { PasswordForm } from './PasswordForm';
import { SessionsPanel } from './SessionsPanel';

export function AccountPage(): ReactNode {
  const user = useSignedIn();
  return (
    <section className="page" aria-labelledby="account-title">
      <h1 id="account-title">Account</h1>
      <p className="muted">
        Signed in as <strong>{user.username}</strong> ({user.role}).{' '}
        <Link to="/tokens">API tokens</Link> for scripts and the CLI.
      </p>
      <div className="grid">
        <PasswordForm />
        <SessionsPanel />
        <NotificationPrefsPanel />
      </div>
    </section>
  );
}
