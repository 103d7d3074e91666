import fc from 'fast-check';
import { z } from 'zod';
import { CLIENT_FRAMES } from '@hdns/protocol';
import { legacyClientMessageSchema } from '@hdns/protocol/legacy';
import { openRoute, settle, type Route } from './frame-cases.js';
import { checkWebSocket, defineTarget } from './fuzz-target.js';
import { mutatedJson } from './mutate.js';
import { textFrame, type ServerFrame } from './raw-wire.js';
import { schemaArb } from './schema-arb.js';

/**
 * Protocol frames built from the zod schemas themselves (v1 client frames of
 * packages/protocol/src/frames-client.ts, and the legacy client messages), then mutated: wrong
 * types, missing and extra fields, huge numbers, deep nesting, damaged JSON text. Sent on an
 * authenticated connection (so they reach the handlers behind the parser) and on a fresh one.
 */

function fromZod(schema: z.ZodType): fc.Arbitrary<string> {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as Record<
    string,
    unknown
  >;
  return mutatedJson(schemaArb(json, json));
}

const v1Frame = fc.oneof(...Object.values(CLIENT_FRAMES).map((s) => fromZod(s)));
const legacyMessage = fc.oneof(...legacyClientMessageSchema.options.map((s) => fromZod(s)));

export interface ProtocolCase {
  route: Route;
  texts: string[];
}

const protocolCase: fc.Arbitrary<ProtocolCase> = fc.oneof(
  fc.record({
    route: fc.constantFrom<Route>('v1', 'v1-hello', 'v1-bearer'),
    texts: fc.array(v1Frame, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    route: fc.constantFrom<Route>('legacy1', 'legacy2'),
    texts: fc.array(legacyMessage, { minLength: 1, maxLength: 4 }),
  }),
);

export const protocolFrameTarget = defineTarget({
  name: 'v1 and legacy protocol frames',
  runs: 1300,
  touchesServer: true,
  arbitrary: () => protocolCase,
  async run(server, c) {
    const ws = await openRoute(server, c.route);
    for (const text of c.texts) if (ws.socket.writable) ws.socket.write(textFrame(text));
    // An app-level ping: frames are handled in order, so its pong comes after every reply.
    const legacy = c.route === 'legacy1' || c.route === 'legacy2';
    const probe = {
      frame: textFrame(legacy ? '{"type":"ping"}' : '{"type":"ping","id":"probe"}'),
      answered: (f: ServerFrame) => f.opcode === 1 && /"type":"pong"/.test(f.payload.toString()),
    };
    const code = await settle(ws, 1000, probe);
    checkWebSocket(ws.frames, code, `${c.route} after ${c.texts.length} frames`);
  },
});
