import { afterAll, beforeAll } from 'vitest';
import {
  startTestServer,
  type LoginResult,
  type TestServer,
  type TestServerOverrides,
} from './helpers.js';

/**
 * One real app and an admin session shared by all the tests of a file. Kept apart from
 * helpers.ts because it registers vitest hooks, and helpers.ts is also loaded by the fuzz runner
 * outside vitest.
 */

export interface FileServer {
  /** The running app; read it inside tests and hooks only (it is set in beforeAll). */
  readonly s: TestServer;
  /** The admin's login on it. */
  readonly admin: LoginResult;
}

/** Starts the app and logs in as admin in beforeAll; closes it in afterAll. */
export function serverForFile(overrides: TestServerOverrides = {}): FileServer {
  let server: TestServer | null = null;
  let admin: LoginResult | null = null;
  beforeAll(async () => {
    server = await startTestServer(overrides);
    admin = await server.login();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get s() {
      if (!server) throw new Error('serverForFile: the server starts in beforeAll');
      return server;
    },
    get admin() {
      if (!admin) throw new Error('serverForFile: the admin logs in in beforeAll');
      return admin;
    },
  };
}
