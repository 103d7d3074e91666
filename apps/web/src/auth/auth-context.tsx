/**
 * Auth for the component tree: the session (state via useSyncExternalStore) and the API client
 * bound to it. `useSignedIn()` is for components below the authenticated shell, where a user is
 * guaranteed.
 */
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import type { SessionUser } from '@hdns/protocol/rest';
import { createApi, type Api } from '../api/api-client';
import { AuthSession, type AuthState } from './auth-session';

interface AuthContextValue {
  session: AuthSession;
  api: Api;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }): ReactNode {
  const [value] = useState<AuthContextValue>(() => {
    const session = new AuthSession();
    return { session, api: createApi(session) };
  });
  useEffect(() => {
    void value.session.init();
  }, [value]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

function useAuthContext(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}

export function useAuth(): { state: AuthState; session: AuthSession } {
  const { session } = useAuthContext();
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot);
  return { state, session };
}

export function useApi(): Api {
  return useAuthContext().api;
}

/** The signed-in user; only valid inside the authenticated part of the app. */
export function useSignedIn(): SessionUser {
  const { state } = useAuth();
  if (state.status !== 'authenticated') throw new Error('useSignedIn outside the signed-in app');
  return state.user;
}
