/**
 * The signed-in frame: header (brand, nav, connection state, bell, user menu), the page, and
 * the toasts. Navigation collapses behind a menu button in narrow windows; on wide ones the
 * less-used pages sit behind "More" so the header stays one row.
 */
import { useState, type ReactNode } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { roleAtLeast, type Role } from '@hdns/protocol';
import { useAuth, useSignedIn } from '../auth/auth-context';
import { ConnectionStatus } from './ConnectionStatus';
import { NotificationBell } from './NotificationBell';
import { PreferencesLoader } from './PreferencesLoader';
import { MoreMenu } from './MoreMenu';
import { EventToasts, ToastHost } from './Toasts';

interface NavItem {
  to: string;
  label: string;
  end?: boolean;
  /** Hidden below this role (the server would refuse the page's requests). */
  minRole?: Role;
  /** Less used: behind the "More" button on wide screens (one header row at 1280 px). */
  more?: boolean;
}

const NAV: readonly NavItem[] = [
  { to: '/', label: 'Dashboard', end: true },
  { to: '/queries', label: 'Query log', end: true },
  { to: '/queries/history', label: 'History', minRole: 'operator' },
  { to: '/zones', label: 'Zones' },
  { to: '/replication', label: 'Replication', minRole: 'operator' },
  { to: '/security', label: 'Security' },
  { to: '/events', label: 'Events' },
  { to: '/alerts', label: 'Alerts', minRole: 'operator' },
  { to: '/settings', label: 'Settings', minRole: 'admin', more: true },
  { to: '/admin', label: 'Admin', minRole: 'admin', more: true },
];

export function Layout(): ReactNode {
  const user = useSignedIn();
  const { session } = useAuth();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  const items = NAV.filter((n) => !n.minRole || roleAtLeast(user.role, n.minRole));

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="header">
        <div className="header-row">
          <button
            type="button"
            className="icon-btn menu-btn"
            aria-label="Menu"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((o) => !o)}
          >
            ☰
          </button>
          <span className="brand">Hybrid DNS</span>
          <nav id="main-nav" className={`nav${menuOpen ? ' open' : ''}`} aria-label="Main">
            {items
              .filter((n) => !n.more)
              .map((n) => (
                <NavLink
                  key={n.to}
                  to={n.to}
                  end={n.end ?? false}
                  className="nav-link"
                  onClick={() => setMenuOpen(false)}
                >
                  {n.label}
                </NavLink>
              ))}
            <MoreMenu items={items.filter((n) => n.more)} onNavigate={() => setMenuOpen(false)} />
          </nav>
          <div className="header-tools">
            <ConnectionStatus />
            <NotificationBell />
            <NavLink
              to="/account"
              className="user nav-link"
              aria-label={`Account of ${user.username}`}
              title={`Your account: password, sessions, notifications. ${user.zones ? `Zones: ${user.zones.join(', ')}` : 'All zones'}`}
            >
              {user.username} <span className="role-tag">{user.role}</span>
            </NavLink>
            <button type="button" className="btn btn-small" onClick={() => void session.logout()}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" className="main" key={location.pathname.split('/')[1]}>
        <Outlet />
      </main>
      <PreferencesLoader />
      <EventToasts />
      <ToastHost />
    </div>
  );
}
