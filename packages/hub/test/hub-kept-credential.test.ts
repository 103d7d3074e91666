import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '@hdns/protocol';
import { startHub, TestClient, token, verifyTestToken, type TestHub } from '@hdns/testkit';
import type { ClusterMember, Identity, KeptCredential, SessionCluster } from '@hdns/hub';
import { applyControlEntry } from '../src/redis/redis-control-feed.js';

// `Hub.disconnectUser` with a kept credential: a user's password change ends every socket of
// theirs (CREDENTIALS_REVOKED) except those of the login session it was made from, which
// reconnect (PERMISSIONS_CHANGED), in ONE revocation, here and on every other instance.
// Tokens are `token()`s; `<token>#<credential>` adds a credentialId.

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const KEEP: KeptCredential = {
  credentialId: 'sess-kept',
  code: CloseCode.PERMISSIONS_CHANGED,
  reason: 'password changed in this session',
};

function verifier(hold?: { credential: string; started: () => void; release: Promise<void> }) {
  return async (raw: string): Promise<Identity> => {
    const [tok = '', credentialId] = raw.split('#');
    const identity = await verifyTestToken(tok);
    if (hold && credentialId === hold.credential) {
      hold.started();
      await hold.release;
    }
    return credentialId ? { ...identity, credentialId } : identity;
  };
}

function recordingCluster() {
  const revoked: { userId: string; code: number; keep?: KeptCredential }[] = [];
  let member: ClusterMember | undefined;
  const cluster: SessionCluster = {
    nodeId: 'n1',
    start: (m) => {
      member = m;
      return () => Promise.resolve();
    },
    added: () => undefined,
    removed: () => undefined,
    revokeUser: (userId, code, _reason, keep) => {
      revoked.push({ userId, code, ...(keep ? { keep } : {}) });
      return Promise.resolve(0);
    },
    revokeCredential: () => Promise.resolve(),
    connections: (local) => Promise.resolve([...local]),
    stats: () => Promise.reject(new Error('unused')),
    close: () => Promise.resolve(),
  };
  return {
    cluster,
    revoked,
    member: () => {
      if (!member) throw new Error('cluster not started');
      return member;
    },
  };
}

describe('hub: revoking a user but one of their credentials', () => {
  it('closes the kept session with its own code and the others with the revocation’s, in one message to the cluster', async () => {
    const c = recordingCluster();
    t = await startHub({ verifyToken: verifier(), maxConnectionsPerUser: 3, cluster: c.cluster });
    const user = token('u1', 'operator');
    const kept = await TestClient.connect(t.url, { token: `${user}#sess-kept`, instanceId: 'a' });
    const other = await TestClient.connect(t.url, { token: `${user}#sess-2`, instanceId: 'b' });
    expect(
      t.hub.disconnectUser('u1', 'password changed', CloseCode.CREDENTIALS_REVOKED, KEEP),
    ).toBe(2);
    expect((await kept.client.waitClosed()).code).toBe(CloseCode.PERMISSIONS_CHANGED);
    expect((await other.client.waitClosed()).code).toBe(CloseCode.CREDENTIALS_REVOKED);
    expect(c.revoked).toEqual([{ userId: 'u1', code: CloseCode.CREDENTIALS_REVOKED, keep: KEEP }]);
  });

  it('refuses a hello of the kept session verified before the revocation with the kept code', async () => {
    let release = (): void => undefined;
    let started = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    const verifying = new Promise<void>((r) => (started = r));
    t = await startHub({
      verifyToken: verifier({ credential: 'sess-kept', started: () => started(), release: held }),
      maxConnectionsPerUser: 3,
    });
    const user = token('u2', 'operator');
    const late = await TestClient.open(t.url);
    late.send({ type: 'hello', id: 'h', protocol: 1, token: `${user}#sess-kept` });
    await verifying;
    expect(
      t.hub.disconnectUser('u2', 'password changed', CloseCode.CREDENTIALS_REVOKED, KEEP),
    ).toBe(0);
    release();
    expect((await late.waitClosed()).code).toBe(CloseCode.PERMISSIONS_CHANGED);
  });

  it('applies a revocation with a kept credential from another instance’s control entry', async () => {
    const c = recordingCluster();
    t = await startHub({ verifyToken: verifier(), maxConnectionsPerUser: 3, cluster: c.cluster });
    const user = token('u3', 'operator');
    const kept = await TestClient.connect(t.url, { token: `${user}#sess-kept`, instanceId: 'a' });
    const other = await TestClient.connect(t.url, { token: `${user}#sess-3`, instanceId: 'b' });
    const entry = new Map([
      ['op', 'revoke'],
      ['origin', 'n2'],
      ['user', 'u3'],
      ['code', String(CloseCode.CREDENTIALS_REVOKED)],
      ['reason', 'password changed'],
      ['keep', KEEP.credentialId],
      ['keepCode', String(KEEP.code)],
      ['keepReason', KEEP.reason],
    ]);
    applyControlEntry(c.member(), 'n1', entry);
    expect((await kept.client.waitClosed()).code).toBe(CloseCode.PERMISSIONS_CHANGED);
    expect((await other.client.waitClosed()).code).toBe(CloseCode.CREDENTIALS_REVOKED);
    // Applied from the cluster: not sent back to it.
    expect(c.revoked).toEqual([]);
  });

  it('a late entry (with `before`) gives the kept session its own code too', async () => {
    const c = recordingCluster();
    t = await startHub({ verifyToken: verifier(), maxConnectionsPerUser: 3, cluster: c.cluster });
    const user = token('u4', 'operator');
    const kept = await TestClient.connect(t.url, { token: `${user}#sess-kept`, instanceId: 'a' });
    const other = await TestClient.connect(t.url, { token: `${user}#sess-4`, instanceId: 'b' });
    applyControlEntry(
      c.member(),
      'n1',
      new Map([
        ['op', 'revoke'],
        ['origin', 'n2'],
        ['user', 'u4'],
        ['code', String(CloseCode.CREDENTIALS_REVOKED)],
        ['reason', 'password changed'],
        ['keep', KEEP.credentialId],
        ['keepCode', String(KEEP.code)],
        ['keepReason', KEEP.reason],
        ['before', String(Date.now() + 1000)],
      ]),
    );
    expect((await kept.client.waitClosed()).code).toBe(CloseCode.PERMISSIONS_CHANGED);
    expect((await other.client.waitClosed()).code).toBe(CloseCode.CREDENTIALS_REVOKED);
  });
});
