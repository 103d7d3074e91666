import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '@hdns/protocol';
import { sleep, startHub, TestClient, token, verifyTestToken, type TestHub } from '@hdns/testkit';
import type { ClusterMember, Identity, SessionCluster } from '@hdns/hub';

// `Hub.disconnectCredential`: one credential's sockets close, here and through the cluster,
// and a session that verified the credential before the revocation is refused when it
// registers after it. Tokens here are `token()`s; `<token>#<credential>` adds a credentialId.

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/**
 * Verifies `token()`s; a `#cred` suffix is the credential. `hold` holds the verifications of
 * one credential until `release`, after calling `started`.
 */
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

/** A cluster that records what the hub tells it and hands out the hub's member. */
function recordingCluster() {
  const revoked: { credentialId: string; code: number }[] = [];
  let member: ClusterMember | undefined;
  const cluster: SessionCluster = {
    nodeId: 'n1',
    start: (m) => {
      member = m;
      return () => Promise.resolve();
    },
    added: () => undefined,
    removed: () => undefined,
    revokeUser: () => Promise.resolve(0),
    revokeCredential: (credentialId, code) => {
      revoked.push({ credentialId, code });
      return Promise.resolve();
    },
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

describe('hub: revoking one credential', () => {
  it("closes that credential's sockets only, and tells the cluster", async () => {
    const c = recordingCluster();
    t = await startHub({ verifyToken: verifier(), maxConnectionsPerUser: 3, cluster: c.cluster });
    const user = token('u1', 'operator');
    const tok1 = await TestClient.connect(t.url, { token: `${user}#tok-1`, instanceId: 'a' });
    const tok2 = await TestClient.connect(t.url, { token: `${user}#tok-2`, instanceId: 'b' });
    expect(t.hub.disconnectCredential('tok-1', 'API token revoked')).toBe(1);
    expect((await tok1.client.waitClosed()).code).toBe(CloseCode.CREDENTIALS_REVOKED);
    expect(tok2.client.closed).toBeUndefined();
    expect(c.revoked).toEqual([{ credentialId: 'tok-1', code: CloseCode.CREDENTIALS_REVOKED }]);
  });

  it('refuses a hello whose credential was verified before the revocation', async () => {
    let release = (): void => undefined;
    let started = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    const verifying = new Promise<void>((r) => (started = r));
    t = await startHub({
      verifyToken: verifier({ credential: 'tok-1', started: () => started(), release: held }),
      maxConnectionsPerUser: 3,
    });
    const user = token('u2', 'operator');
    const late = await TestClient.open(t.url);
    late.send({ type: 'hello', id: 'h', protocol: 1, token: `${user}#tok-1` });
    // The hello is being verified (its mark is read); nothing is registered to close yet.
    await verifying;
    expect(t.hub.disconnectCredential('tok-1', 'API token revoked')).toBe(0);
    release();
    expect((await late.waitClosed()).code).toBe(CloseCode.CREDENTIALS_REVOKED);
    expect(late.frames.some((f) => f.type === 'welcome')).toBe(false);
    // Another credential of the same user, verified before too, still goes live.
    const other = await TestClient.connect(t.url, { token: `${user}#tok-2` });
    expect(other.welcome.user.id).toBe('u2');
  });

  it('a revocation from another instance closes here; a late one spares newer sessions', async () => {
    const c = recordingCluster();
    t = await startHub({ verifyToken: verifier(), maxConnectionsPerUser: 3, cluster: c.cluster });
    const user = token('u3', 'operator');
    const old = await TestClient.connect(t.url, { token: `${user}#sess-1`, instanceId: 'a' });
    const cut = Date.now() + 1;
    await sleep(10);
    const fresh = await TestClient.connect(t.url, { token: `${user}#sess-1`, instanceId: 'b' });
    c.member().closeCredential('sess-1', CloseCode.PERMISSIONS_CHANGED, 'password changed', cut);
    expect((await old.client.waitClosed()).code).toBe(CloseCode.PERMISSIONS_CHANGED);
    expect(fresh.client.closed).toBeUndefined();
    c.member().closeCredential('sess-1', CloseCode.CREDENTIALS_REVOKED, 'session ended');
    expect((await fresh.client.waitClosed()).code).toBe(CloseCode.CREDENTIALS_REVOKED);
    // Applied from the cluster: not sent back to it.
    expect(c.revoked).toEqual([]);
  });
});
