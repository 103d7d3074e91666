/**
 * Writes the settings table of README.md (between `<!-- settings:start -->` and
 * `<!-- settings:end -->`) from the rows of apps/server/src/config/settings-table.ts. With
 * `--check`, writes nothing and exits 1 when the README differs (part of `npm run docs:check`).
 *
 *   npx tsx scripts/gen-settings-docs.ts          # regenerate
 *   npx tsx scripts/gen-settings-docs.ts --check  # verify
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { settingRows } from '../apps/server/src/config/setting.js';
import { renderSettingsTable, withSettingsTable } from '../apps/server/src/config/settings-docs.js';
import { SETTINGS } from '../apps/server/src/config/settings-table.js';

const DOC = 'README.md';
const target = resolve(dirname(fileURLToPath(import.meta.url)), '..', DOC);

async function main(): Promise<number> {
  const current = await readFile(target, 'utf8');
  const expected = withSettingsTable(current, renderSettingsTable(settingRows(SETTINGS)));
  if (expected === null) {
    console.error(`${DOC} has no <!-- settings:start --> … <!-- settings:end --> markers.`);
    return 1;
  }
  if (process.argv.includes('--check')) {
    if (current === expected) {
      console.log(`${DOC} settings table is up to date.`);
      return 0;
    }
    console.error(
      `${DOC} settings table is out of date with apps/server/src/config/settings-table*.ts. ` +
        'Run `npm run docs` and commit the result.',
    );
    return 1;
  }
  if (current === expected) {
    console.log(`${DOC} settings table unchanged.`);
  } else {
    await writeFile(target, expected, 'utf8');
    console.log(`Wrote the settings table of ${DOC}.`);
  }
  return 0;
}

process.exitCode = await main();
