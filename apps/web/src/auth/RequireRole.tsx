/** Route guard: pages above the user's role are not rendered (the nav hides their links too). */
import type { ReactNode } from 'react';
import { roleAtLeast, type Role } from '@hdns/protocol';
import { Link } from 'react-router';
import { useSignedIn } from './auth-context';

export function RequireRole({ role, children }: { role: Role; children: ReactNode }): ReactNode {
  const user = useSignedIn();
  if (roleAtLeast(user.role, role)) return children;
  return (
    <section className="page" data-testid="forbidden">
      <h1>Not available</h1>
      <p>
        This page needs the <strong>{role}</strong> role; you are signed in as a{' '}
        <strong>{user.role}</strong>.
      </p>
      <p>
        <Link to="/">Back to the dashboard</Link>
      </p>
    </section>
  );
}
