// @vitest-environment jsdom
/**
 * End to end: a RealtimeProvider that creates its own RealtimeClient (the `ws` socket) against a
 * real hub over a real socket. A component shows an event the hub published, subscribed through
 * useSubscription; unmounting the provider closes the connection it owns.
 */
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { createElement } from 'react';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS } from '@hdns/protocol';
import type { RealtimeClientOptions } from '@hdns/client';
import { startHub, token, type TestHub } from '@hdns/testkit';
import {
  RealtimeProvider,
  useConnectionState,
  useEventFeed,
  useLatest,
  useSubscription,
} from './index.js';

const h = createElement;
let hub: TestHub | undefined;

afterEach(async () => {
  cleanup();
  await hub?.close();
  hub = undefined;
});

function Dashboard() {
  useSubscription(['dns', 'system_metrics']);
  const state = useConnectionState();
  const feed = useEventFeed({ limit: 5 });
  const metrics = useLatest('system_metrics');
  const newest = feed.events[0];
  return h(
    'div',
    null,
    h('p', { 'data-testid': 'state' }, state.state),
    h('p', { 'data-testid': 'newest' }, newest?.event === 'zone_created' ? newest.data.zone : '-'),
    h('p', { 'data-testid': 'unread' }, String(feed.unreadByCategory.dns)),
    h('p', { 'data-testid': 'cpu' }, metrics ? String(metrics.data.cpu.percent) : '-'),
  );
}

describe('React bindings against a real hub', () => {
  it('shows a published event and closes the connection it owns on unmount', async () => {
    hub = await startHub({ batchDelayMs: 5 });
    const options: RealtimeClientOptions = {
      url: hub.url,
      getToken: () => token('u-react', 'viewer'),
      WebSocket,
      network: false,
      subscriptions: [],
      clientName: 'react-test',
    };
    const view = render(h(RealtimeProvider, { options }, h(Dashboard)));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('open'));
    // The subscription round trip has completed once the hub lists the types for this session.
    await waitFor(() =>
      expect(hub?.hub.connections()[0]?.subscriptions).toEqual(
        expect.arrayContaining(['zone_created', 'system_metrics']),
      ),
    );

    await act(async () => {
      await hub?.hub.publish('zone_created', {
        ...EXAMPLE_EVENTS.zone_created,
        zone: 'react.example',
      });
      await hub?.hub.publish('system_metrics', EXAMPLE_EVENTS.system_metrics);
    });
    await waitFor(() => expect(screen.getByTestId('newest').textContent).toBe('react.example'));
    expect(screen.getByTestId('unread').textContent).toBe('1');
    await waitFor(() =>
      expect(screen.getByTestId('cpu').textContent).toBe(
        String(EXAMPLE_EVENTS.system_metrics.cpu.percent),
      ),
    );

    view.unmount();
    await waitFor(() => expect(hub?.hub.connections()).toHaveLength(0));
  });
});
