/**
 * Routing. Signed out: the login page at any URL (so a deep link still works after signing in).
 * Signed in: the realtime client for this user, the shell, and the pages; admin pages behind a
 * role guard.
 */
import type { ReactNode } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { AuthProvider, useAuth } from './auth/auth-context';
import { RequireRole } from './auth/RequireRole';
import { Loading } from './components/StateViews';
import { AccountPage } from './pages/account/AccountPage';
import { AdminPage } from './pages/admin/AdminPage';
import { ClientPage } from './pages/clients/ClientPage';
import { DashboardPage } from './pages/dashboard/DashboardPage';
import { MetricsHistoryProvider } from './pages/dashboard/metrics-history';
import { EventsPage } from './pages/events/EventsPage';
import { HistoryPage } from './pages/history/HistoryPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { QueryLogPage } from './pages/querylog/QueryLogPage';
import { ReplicationPage } from './pages/replication/ReplicationPage';
import { SecurityPage } from './pages/security/SecurityPage';
import { SettingsPage } from './pages/settings/SettingsPage';
import { TokensPage } from './pages/tokens/TokensPage';
import { AlertsPage } from './pages/alerts/AlertsPage';
import { ZoneRecordsPage } from './pages/zones/ZoneRecordsPage';
import { ZonesPage } from './pages/zones/ZonesPage';
import { DashboardRealtime } from './realtime/client-context';
import { Layout } from './shell/Layout';

export function App(): ReactNode {
  return (
    <AuthProvider>
      <BrowserRouter>
        <Gate />
      </BrowserRouter>
    </AuthProvider>
  );
}

function Gate(): ReactNode {
  const { state } = useAuth();
  if (state.status === 'loading') {
    return (
      <div className="login-wrap">
        <Loading label="Checking your session…" />
      </div>
    );
  }
  if (state.status === 'anonymous') return <LoginPage message={state.message} />;
  return (
    <DashboardRealtime key={state.user.id} user={state.user}>
      <MetricsHistoryProvider>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<DashboardPage />} />
            <Route path="queries" element={<QueryLogPage />} />
            {/* The query store holds client addresses: operators and admins (viewers get 403). */}
            <Route
              path="queries/history"
              element={
                <RequireRole role="operator">
                  <HistoryPage />
                </RequireRole>
              }
            />
            <Route
              path="clients/:ip"
              element={
                <RequireRole role="operator">
                  <ClientPage />
                </RequireRole>
              }
            />
            <Route path="zones" element={<ZonesPage />} />
            <Route path="zones/:zone" element={<ZoneRecordsPage />} />
            <Route
              path="replication"
              element={
                <RequireRole role="operator">
                  <ReplicationPage />
                </RequireRole>
              }
            />
            <Route path="security" element={<SecurityPage />} />
            <Route path="events" element={<EventsPage />} />
            <Route
              path="alerts"
              element={
                <RequireRole role="operator">
                  <AlertsPage />
                </RequireRole>
              }
            />
            <Route path="account" element={<AccountPage />} />
            <Route path="tokens" element={<TokensPage />} />
            <Route
              path="admin"
              element={
                <RequireRole role="admin">
                  <AdminPage />
                </RequireRole>
              }
            />
            <Route
              path="settings"
              element={
                <RequireRole role="admin">
                  <SettingsPage />
                </RequireRole>
              }
            />
            <Route path="login" element={<DashboardPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </MetricsHistoryProvider>
    </DashboardRealtime>
  );
}
