// @vitest-environment jsdom
/**
 * The provider and hooks against a FakeClient under jsdom. Frames are real
 * requestAnimationFrame callbacks under vitest's fake timers, advanced one frame at a time.
 */
import { act, cleanup, render, screen } from '@testing-library/react';
import { createElement, StrictMode, useState, type ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXAMPLE_EVENTS, type EventFrameUnion } from '@hdns/protocol';
import {
  RealtimeProvider,
  useConnectionState,
  useEventFeed,
  useLatest,
  useRealtimeEvent,
  useSubscription,
} from './index.js';
import { FakeClient } from '../test/fake-client.js';

const h = createElement;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function mount(client: FakeClient, children: ReactNode) {
  return render(h(RealtimeProvider, { client }, children));
}

/** Runs one animation frame (and the React work it causes). */
function frame(): void {
  act(() => {
    vi.advanceTimersToNextFrame();
  });
}

describe('RealtimeProvider', () => {
  it('connects an idle client it was given and never disconnects it', () => {
    const client = new FakeClient();
    const view = mount(client, null);
    expect(client.requests('connect')).toHaveLength(1);
    view.unmount();
    expect(client.requests('disconnect')).toHaveLength(0);
    expect(client.listeners('*')).toBe(0); // stores detached

    const manual = new FakeClient();
    render(h(RealtimeProvider, { client: manual, connect: false }, null));
    expect(manual.requests('connect')).toHaveLength(0);
  });

  it('fails loudly when a hook is used outside a provider', () => {
    const Orphan = () => h('span', null, useConnectionState().state);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() => render(h(Orphan))).toThrow('useConnectionState must be used inside');
  });
});

describe('useConnectionState', () => {
  it('shows state, reason, attempt and next retry, updated on the next frame', () => {
    const client = new FakeClient();
    const State = () => {
      const s = useConnectionState();
      return h(
        'p',
        { 'data-testid': 's' },
        `${s.state}/${s.reason}/${s.attempt}/${s.nextRetryAt ?? '-'}`,
      );
    };
    mount(client, h(State));
    frame();
    expect(screen.getByTestId('s').textContent).toBe('open/welcome/0/-');
    act(() => {
      client.setState({
        state: 'reconnecting',
        reason: 'server_restarting',
        attempt: 1,
        nextRetryAt: 5,
      });
      client.setState({
        state: 'reconnecting',
        reason: 'connect_timeout',
        attempt: 2,
        nextRetryAt: 9,
      });
    });
    expect(screen.getByTestId('s').textContent).toBe('open/welcome/0/-');
    frame();
    expect(screen.getByTestId('s').textContent).toBe('reconnecting/connect_timeout/2/9');
  });
});

describe('useRealtimeEvent', () => {
  it('registers once and always calls the latest handler', () => {
    const client = new FakeClient();
    const seen: string[] = [];
    let setLabel: (s: string) => void = () => undefined;
    const Listener = () => {
      const [label, set] = useState('a');
      setLabel = set;
      useRealtimeEvent('zone_created', (e) => seen.push(`${label}:${e.data.zone}`));
      useRealtimeEvent('security', (e) => seen.push(`${label}:${e.event}`));
      return null;
    };
    mount(client, h(Listener));
    act(() => void client.emit('zone_created'));
    act(() => setLabel('b'));
    act(() => void client.emit('zone_created'));
    act(() => void client.emit('threat_detected'));
    expect(client.listeners('zone_created')).toBe(1);
    const zone = EXAMPLE_EVENTS.zone_created.zone;
    expect(seen).toEqual([`a:${zone}`, `b:${zone}`, 'b:threat_detected']);
    cleanup();
    expect(client.listeners('zone_created')).toBe(0);
  });
});

describe('useEventFeed', () => {
  it('renders at most once per frame: 1,000 events pushed synchronously, one frame', () => {
    const client = new FakeClient();
    let renders = 0;
    const Feed = () => {
      renders += 1;
      const feed = useEventFeed({ limit: 10 });
      return h(
        'p',
        { 'data-testid': 'feed' },
        `${feed.events.length}:${feed.unreadTotal}:${feed.events[0]?.seq ?? '-'}`,
      );
    };
    mount(client, h(Feed));
    frame(); // settle the connect state change
    const before = renders;
    let last: EventFrameUnion | undefined;
    act(() => {
      for (let i = 0; i < 1000; i++) last = client.emit('record_created');
    });
    expect(renders).toBe(before); // nothing rendered inside the burst
    frame();
    expect(renders).toBe(before + 1);
    expect(screen.getByTestId('feed').textContent).toBe(`10:1000:${last?.seq}`);
    frame();
    expect(renders).toBe(before + 1); // idle frames render nothing
  });

  it('acknowledges optimistically and counts unread per category', async () => {
    const client = new FakeClient();
    let feedRef: ReturnType<typeof useEventFeed> | undefined;
    const Feed = () => {
      const feed = useEventFeed();
      feedRef = feed;
      return h(
        'p',
        { 'data-testid': 'counts' },
        `dns=${feed.unreadByCategory.dns} security=${feed.unreadByCategory.security}`,
      );
    };
    mount(client, h(Feed));
    let zone: EventFrameUnion | undefined;
    act(() => {
      zone = client.emit('zone_created');
      client.emit('record_deleted');
      client.emit('security_alert');
      client.emit('system_metrics'); // low priority: not in the feed
    });
    frame();
    expect(screen.getByTestId('counts').textContent).toBe('dns=2 security=1');
    expect(feedRef?.isUnread(zone?.id ?? '')).toBe(true);
    await act(async () => {
      await feedRef?.acknowledge(zone?.id ?? '');
    });
    frame();
    expect(screen.getByTestId('counts').textContent).toBe('dns=1 security=1');
    await act(async () => {
      await feedRef?.acknowledgeAll();
    });
    frame();
    expect(screen.getByTestId('counts').textContent).toBe('dns=0 security=0');
    expect(client.requests('ack')).toEqual([{ ids: [zone?.id] }, { upToSeq: 4 }]);
  });
});

describe('useLatest', () => {
  it('shows the newest value per coalesce key and skips renders of untouched slots', () => {
    const client = new FakeClient();
    let metricsRenders = 0;
    const Stats = ({ windowSec }: { windowSec: number }) => {
      const e = useLatest('query_stats', windowSec);
      return h('p', { 'data-testid': `qs-${windowSec}` }, e ? String(e.data.qps) : 'none');
    };
    const Metrics = () => {
      metricsRenders += 1;
      const e = useLatest('system_metrics');
      return h('p', { 'data-testid': 'cpu' }, e ? String(e.data.cpu.percent) : 'none');
    };
    mount(
      client,
      h('div', null, h(Stats, { windowSec: 60 }), h(Stats, { windowSec: 300 }), h(Metrics)),
    );
    expect(screen.getByTestId('qs-60').textContent).toBe('none');
    act(() => {
      const base = EXAMPLE_EVENTS.query_stats;
      for (let i = 1; i <= 50; i++) client.emit('query_stats', { ...base, windowSec: 60, qps: i });
      client.emit('query_stats', { ...base, windowSec: 300, qps: 7 });
      client.emit('system_metrics');
    });
    frame();
    expect(screen.getByTestId('qs-60').textContent).toBe('50');
    expect(screen.getByTestId('qs-300').textContent).toBe('7');
    expect(screen.getByTestId('cpu').textContent).toBe(
      String(EXAMPLE_EVENTS.system_metrics.cpu.percent),
    );
    const rendersAfter = metricsRenders;
    act(
      () =>
        void client.emit('query_stats', { ...EXAMPLE_EVENTS.query_stats, windowSec: 60, qps: 99 }),
    );
    frame();
    expect(screen.getByTestId('qs-60').textContent).toBe('99');
    expect(metricsRenders).toBe(rendersAfter);
  });
});

describe('useSubscription', () => {
  it('is reference-counted across components and released on unmount', async () => {
    const client = new FakeClient();
    const Sub = ({ items }: { items: string[] }) => {
      useSubscription(items);
      return null;
    };
    const App = ({ a, b }: { a: boolean; b: boolean }) =>
      h(
        'div',
        null,
        a ? h(Sub, { items: ['health_update', 'bind_status'] }) : null,
        b ? h(Sub, { items: ['bind_status'] }) : null,
      );
    const view = render(
      h(StrictMode, null, h(RealtimeProvider, { client }, h(App, { a: true, b: true }))),
    );
    await act(() => Promise.resolve());
    // StrictMode mounts twice; the microtask-deferred release makes that free.
    expect(client.requests('subscribe')).toEqual([['bind_status', 'health_update']]);
    view.rerender(
      h(StrictMode, null, h(RealtimeProvider, { client }, h(App, { a: false, b: true }))),
    );
    await act(() => Promise.resolve());
    expect(client.requests('unsubscribe')).toEqual([['health_update']]);
    view.rerender(
      h(StrictMode, null, h(RealtimeProvider, { client }, h(App, { a: false, b: false }))),
    );
    await act(() => Promise.resolve());
    expect(client.requests('unsubscribe')).toEqual([['health_update'], ['bind_status']]);
  });
});
