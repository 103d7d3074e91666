import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOCS_PATH } from '../docs.js';
import { legacyPreset } from './legacy-client.js';
import { LEGACY_SERVER_MESSAGE_TYPES, LEGACY_SERVER_MESSAGES } from './legacy-messages.js';
import {
  legacyConnectionEstablished1,
  legacyConnectionEstablished2,
  legacyErrorMessage,
  legacyHeartbeatMessage,
  legacyPongMessage,
  legacySubscriptionUpdatedMessage,
  legacyTokenRequiredMessage,
  legacyValidationErrorMessage,
} from './legacy-server.js';

const docs = readFileSync(
  fileURLToPath(new URL(`../../../../${DOCS_PATH}`, import.meta.url)),
  'utf8',
);
const keys = (m: object): string[] => Object.keys((m as { data?: object }).data ?? {});

describe('the legacy server messages the document lists', () => {
  it('docs/protocol.md has a row for every type a legacy wire sends, deprecation_notice included', () => {
    const section = docs.slice(docs.indexOf('## Legacy protocols'));
    for (const type of LEGACY_SERVER_MESSAGE_TYPES) expect(section).toContain(`| \`${type}\` |`);
    // No v1 `notice` legacy_protocol is ever sent: the document says what a legacy client gets.
    expect(section).toContain('each connection gets a `deprecation_notice`');
  });

  it('the protocol builders send exactly the documented data fields', () => {
    const documented = (t: keyof typeof LEGACY_SERVER_MESSAGES) => LEGACY_SERVER_MESSAGES[t].data;
    const g1 = legacyConnectionEstablished1('health', legacyPreset('health'));
    const g2 = legacyConnectionEstablished2({ id: 'u', username: 'n', isAdmin: false }, []);
    expect([...keys(g1), ...keys(g2)].sort()).toEqual(
      [...documented('connection_established')].sort(),
    );
    expect(keys(legacySubscriptionUpdatedMessage([], []))).toEqual(
      documented('subscription_updated'),
    );
    expect(keys(legacyErrorMessage('X', 'y'))).toEqual(documented('error'));
    expect(keys(legacyTokenRequiredMessage())).toEqual(documented('error'));
    expect(keys(legacyValidationErrorMessage('m', []))).toEqual(documented('validation_error'));
    expect(keys(legacyPongMessage())).toEqual(documented('pong'));
    expect(keys(legacyHeartbeatMessage())).toEqual(documented('heartbeat'));
  });
});
