/** The connection lifecycle diagram of docs/protocol.md (static prose, checked by review). */
export function docsSequenceDiagram(): string {
  return [
    '### Lifecycle',
    '',
    '```mermaid',
    'sequenceDiagram',
    '    participant C as Client',
    '    participant S as Server',
    '    C->>S: WebSocket upgrade GET /ws (cookie or Authorization header, or nothing)',
    '    C->>S: hello {id, protocol: 1, token?, resume?, subscribe?, client}',
    '    S-->>C: welcome {id, sessionId, user, subscriptions, position, resume, heartbeatMs}',
    '    C->>S: subscribe {id, items: ["dns", "health_update"]}',
    '    S-->>C: subscribed {id, subscriptions, rejected}',
    '    S-->>C: event {id, seq, event, category, priority, ts, data, meta}',
    '    S-->>C: batch {events: [event, event, …]}',
    '    S-->>C: ping {ts}',
    '    C->>S: pong {ts}',
    '    S-->>C: token_expiring {expiresAt, inMs}',
    '    C->>S: auth {id, token}',
    '    S-->>C: authed {id, tokenExpiresAt}',
    '    Note over C,S: connection drops, or close 4200–4299 (e.g. SERVER_RESTARTING)',
    '    C->>S: WebSocket upgrade GET /ws (after backoff)',
    '    C->>S: hello {id, protocol: 1, token, resume: {epoch, seq}}',
    '    S-->>C: welcome {resume: {requested: true, ok: true, replayed: n}}',
    '    S-->>C: event … (meta.replay: true, seq > resumed seq), then live events',
    '```',
  ].join('\n');
}
