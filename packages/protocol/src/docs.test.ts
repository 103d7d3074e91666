import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from './catalogue.js';
import { CloseCode } from './close-codes.js';
import { ERROR_CODES } from './error-codes.js';
import { DOCS_PATH, renderProtocolDocs } from './docs.js';

const docsFile = fileURLToPath(new URL(`../../../${DOCS_PATH}`, import.meta.url));

describe('generated protocol docs', () => {
  it('docs/protocol.md is what the generator writes (run `npm run docs` if this fails)', () => {
    expect(readFileSync(docsFile, 'utf8')).toBe(renderProtocolDocs());
  });

  it('is deterministic and mentions every event, close code and error code', () => {
    const md = renderProtocolDocs();
    expect(renderProtocolDocs()).toBe(md);
    for (const t of EVENT_TYPES) expect(md).toContain(`#### \`${t}\``);
    for (const [name, code] of Object.entries(CloseCode))
      expect(md).toContain(`| ${code} | \`${name}\``);
    for (const c of ERROR_CODES) expect(md).toContain(`| \`${c}\` |`);
    expect(md).toContain('```mermaid');
    expect(md).not.toMatch(/\b20\d\d-\d\d-\d\dT(?!10:30|10:45)/); // only fixed example times
  });
});
