import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NoticeFrame, ServerFrame } from '@hdns/protocol';
import {
  REPO_ROOT,
  startProcessServer,
  TestClient,
  type ProcessLogin,
  type ProcessServer,
} from '@hdns/testkit';

/**
 * The generated docs/protocol.md read as a client author reads it, and its statements held
 * against a real server process: the close code of an oversize frame (ours and the
 * transport's), the frames of a server-side narrowing, the notice before a shutdown, and
 * retention that answers `too_old`. Every expected number and name comes from the document, so
 * when the code and the document drift apart this fails.
 */

const DOC = readFileSync(path.join(REPO_ROOT, 'docs/protocol.md'), 'utf8');

/** The lines of the section under `heading` (up to the next heading of the same level or above). */
function section(heading: string): string[] {
  const lines = DOC.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`docs/protocol.md has no "${heading}"`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && l.indexOf(' ') <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The body rows of the first table in `lines` whose header has `columns` cells, as cell text. */
function tableRows(lines: string[], columns: number): string[][] {
  const rows = lines
    .filter((l) => l.startsWith('| '))
    .map((l) =>
      l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
  const header = rows.findIndex((r) => r.length === columns);
  const body: string[][] = [];
  for (const row of rows.slice(header + 2)) {
    if (row.length !== columns) break;
    body.push(row);
  }
  return body;
}

const unquote = (cell: string): string => cell.replace(/`/g, '').replace(/ \(transport\)$/, '');

/** The close-code table: name → its documented code and class. */
const CLOSE_CODES = new Map(
  tableRows(section('## Close codes'), 4).map(([code, name, cls]) => [
    unquote(name ?? ''),
    { code: Number(code), class: cls },
  ]),
);

function documentedClose(name: string): { code: number; class: string | undefined } {
  const found = CLOSE_CODES.get(name);
  if (!found) throw new Error(`close code ${name} is not in the document's table`);
  return found;
}

/** The notice codes table: `notice.code` → its documented level. */
const NOTICE_CODES = new Map(
  tableRows(section('### Notice codes'), 4).map(([, code, level]) => [
    unquote(code ?? ''),
    unquote(level ?? ''),
  ]),
);

/** The transport limit the document states (the frame size the WebSocket layer refuses). */
function documentedTransportLimit(): number {
  const m = /A frame over (\d+) bytes \(the transport limit\)/.exec(DOC);
  if (!m?.[1]) throw new Error('docs/protocol.md states no transport limit');
  return Number(m[1]);
}

/** The field row of a frame's table, e.g. (`subscribed`, `id`). */
function frameField(frame: string, field: string): string[] {
  const rows = tableRows(section(`#### \`${frame}\``), 4);
  const row = rows.find((r) => r[0] === `\`${field}\``);
  if (!row) throw new Error(`frame ${frame} documents no field ${field}`);
  return row;
}

let server: ProcessServer;
let admin: ProcessLogin;

beforeAll(async () => {
  // The smallest count limits the settings allow: the 100-event case the issue reported.
  server = await startProcessServer({
    env: { HDNS_EVENT_RETENTION_COUNT: '100', HDNS_TRAFFIC_EVENT_RETENTION_COUNT: '100' },
  });
  admin = await server.login();
});

afterAll(() => server.close());

const connect = (subscribe: string[] = ['dns']) =>
  TestClient.connect(server.wsUrl, { token: admin.accessToken, subscribe });

describe('docs/protocol.md against a real server', () => {
  it('a frame over welcome.limits.maxFrameBytes: error FRAME_TOO_LARGE and the documented terminal close', async () => {
    const documented = documentedClose('FRAME_TOO_LARGE');
    expect(documented.class).toBe('terminal');
    const { client, welcome } = await connect();
    client.send({ type: 'ping', id: 'big', pad: 'x'.repeat(welcome.limits.maxFrameBytes) });
    const closed = await client.waitClosed();
    expect(closed.code).toBe(documented.code);
    expect(client.frames.at(-1)).toMatchObject({ type: 'error', code: 'FRAME_TOO_LARGE' });
  });

  it('a frame over the documented transport limit: the documented 1009, terminal, no error frame', async () => {
    const documented = documentedClose('MESSAGE_TOO_BIG');
    expect(documented.class).toBe('terminal');
    const { client } = await connect();
    client.send({ type: 'ping', id: 'huge', pad: 'x'.repeat(documentedTransportLimit()) });
    expect((await client.waitClosed()).code).toBe(documented.code);
    expect(client.frames.filter((f) => f.type === 'error')).toEqual([]);
  });

  it('a narrower role in-band: subscribed without id, then a documented notice', async () => {
    // The document: `subscribed.id` is optional and absent when the server narrowed the set.
    const idRow = frameField('subscribed', 'id');
    expect(idRow[2]).toBe('no');
    expect(idRow[3]).toMatch(/absent when the server narrowed the set itself/);

    // The same user's viewer-scoped API token, sent as an in-band `auth`.
    const created = await server.api('/api/tokens', {
      method: 'POST',
      token: admin.accessToken,
      body: { name: 'narrow', role: 'viewer' },
    });
    expect(created.status).toBe(201);
    const secret = (created.body as { secret: string }).secret;
    const { client, welcome } = await connect(['dns', 'user']);
    expect(welcome.subscriptions).toContain('user_login');
    const authed = await client.request({ type: 'auth', token: secret }, 'authed');
    const pong = await client.request({ type: 'ping' }, 'pong');
    const after = client.frames.slice(
      client.frames.indexOf(authed) + 1,
      client.frames.indexOf(pong),
    );
    expect(after.map((f) => f.type)).toEqual(['subscribed', 'notice']);
    const subscribed = after[0] as Extract<ServerFrame, { type: 'subscribed' }>;
    expect(subscribed.id).toBeUndefined();
    expect(subscribed.subscriptions).not.toContain('user_login');
    expect(subscribed.rejected).toContainEqual({ item: 'user_login', reason: 'forbidden' });
    const notice = after[1] as NoticeFrame;
    expect(NOTICE_CODES.get(notice.code)).toBe(notice.level);
    expect(notice.code).toBe('subscriptions_narrowed');
    client.close();
  });

  it('retention as documented: a resume from a pruned position is answered too_old', async () => {
    expect(frameField('welcome', 'resume.reason')[1]).toContain('"too_old"');
    const { client, welcome } = await connect();
    client.close();
    // More events than the count limit (100): the log prunes as it goes, within the
    // documented tenth of the limit, without waiting for a timer or a thousand appends.
    for (let i = 0; i < 150; i++) {
      const res = await server.api('/api/admin/events', {
        method: 'POST',
        token: admin.accessToken,
        body: { type: 'zone_created' },
      });
      expect(res.status).toBe(201);
    }
    const resumed = await TestClient.connect(server.wsUrl, {
      token: admin.accessToken,
      subscribe: ['dns'],
      resume: { epoch: welcome.position.epoch, seq: 0 },
    });
    expect(resumed.welcome.resume).toMatchObject({ requested: true, ok: false, reason: 'too_old' });
    // A position inside the retained window still resumes.
    const head = resumed.welcome.position;
    const recent = await TestClient.connect(server.wsUrl, {
      token: admin.accessToken,
      subscribe: ['dns'],
      resume: { epoch: head.epoch, seq: head.seq - 5 },
    });
    expect(recent.welcome.resume).toMatchObject({ ok: true, replayed: 5 });
    resumed.client.close();
    recent.client.close();
  });

  // Last: it stops the server.
  it('shutdown: a documented notice, then the documented reconnect-class close', async () => {
    const documented = documentedClose('SERVER_RESTARTING');
    expect(documented.class).toBe('reconnect');
    const { client } = await connect();
    await server.proc.stop();
    expect((await client.waitClosed()).code).toBe(documented.code);
    const last = client.frames.at(-1);
    expect(last).toMatchObject({ type: 'notice', code: 'server_shutdown' });
    expect(NOTICE_CODES.get((last as NoticeFrame).code)).toBe((last as NoticeFrame).level);
  });
});
