/**
 * The main help text, as `hdns --help` prints it: generated from the command tree, so it cannot
 * drift from what the parser accepts. (Per-command help: `hdns COMMAND --help`.)
 */
import { buildProgram, EXIT_CODES_HELP } from './program.js';

const silent = { line: () => undefined, notice: () => undefined };

export const MAIN_USAGE = `${buildProgram(silent, () => undefined)
  .helpInformation()
  .replace(/\n$/, '')}\n${EXIT_CODES_HELP}`;
