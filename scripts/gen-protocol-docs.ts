/**
 * Writes docs/protocol.md from packages/protocol. With `--check`, writes nothing and exits 1 when
 * the file differs from what would be written (used by `npm test` so docs cannot drift).
 *
 *   npx tsx scripts/gen-protocol-docs.ts          # regenerate
 *   npx tsx scripts/gen-protocol-docs.ts --check  # verify
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCS_PATH, renderProtocolDocs } from '../packages/protocol/src/docs.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = resolve(root, DOCS_PATH);

async function readCurrent(): Promise<string | undefined> {
  try {
    return await readFile(target, 'utf8');
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const expected = renderProtocolDocs();
  const current = await readCurrent();
  if (process.argv.includes('--check')) {
    if (current === expected) {
      console.log(`${DOCS_PATH} is up to date.`);
      return 0;
    }
    console.error(
      current === undefined
        ? `${DOCS_PATH} is missing. Run \`npm run docs\` and commit the result.`
        : `${DOCS_PATH} is out of date with packages/protocol. Run \`npm run docs\` and commit the result.`,
    );
    return 1;
  }
  if (current === expected) {
    console.log(`${DOCS_PATH} unchanged.`);
  } else {
    await writeFile(target, expected, 'utf8');
    console.log(`Wrote ${DOCS_PATH} (${expected.length} chars).`);
  }
  return 0;
}

process.exitCode = await main();
