/**
 * The concrete client next to @hdns/react's provider: the provider's hooks cover events and
 * state, but the shell also needs `reconnect()` and the `resync` signal, which are not part of
 * RealtimeClientLike.
 */
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { RealtimeProvider } from '@hdns/react';
import type { SessionUser } from '@hdns/protocol/rest';
import { useAuth } from '../auth/auth-context';
import { feedFilter } from '../shell/notification-preferences';
import { createDashboardClient, type DashboardClient } from './create-client';

const ClientContext = createContext<DashboardClient | null>(null);

export function DashboardRealtime({
  user,
  children,
}: {
  user: SessionUser;
  children: ReactNode;
}): ReactNode {
  const { session } = useAuth();
  // One client per signed-in user id; a role change re-creates it with the new subscriptions.
  const client = useMemo(
    () => createDashboardClient(user, (request) => session.getToken(request)),
    [user.id, user.role, session],
  );
  useEffect(() => {
    client.connect();
    return () => client.disconnect();
  }, [client]);
  return (
    <ClientContext.Provider value={client}>
      {/* The feed's filter reads the notification preferences as they are when an event comes. */}
      <RealtimeProvider client={client} connect={false} feedFilter={feedFilter}>
        {children}
      </RealtimeProvider>
    </ClientContext.Provider>
  );
}

export function useDashboardClient(): DashboardClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useDashboardClient outside <DashboardRealtime>');
  return client;
}
