/**
 * What the command registration files (program-*.ts) share: the context an action needs (the
 * output and the exit-code sink), subcommand groups, and repeatable list options.
 */
import type { Command } from 'commander';
import { usageError } from './cli-error.js';
import { fullName } from './command-path.js';
import type { Output } from './output.js';

export type Json = { json?: boolean };

export interface CommandContext {
  out: Output;
  /** Stores the exit code an action resolves to (see program.ts). */
  run: (code: Promise<number>) => Promise<void>;
}

/** Repeated list options are merged: `-t a -t b,c` → ['a', 'b,c'] (split later). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * A command with subcommands: alone it prints its help (exit 0); followed by an unknown word it
 * names the subcommands it expected (exit 2).
 */
export function group(parent: Command, name: string, description: string): Command {
  const cmd = parent.command(name).description(description).allowExcessArguments();
  cmd.action((_opts: unknown, self: Command) => {
    const [word] = self.args;
    if (word === undefined) {
      self.outputHelp();
      return;
    }
    const expected = self.commands.map((c) => `\`hdns ${fullName(c)}\``);
    const list =
      expected.length > 1
        ? `${expected.slice(0, -1).join(', ')} or ${expected.at(-1) ?? ''}`
        : (expected[0] ?? '');
    throw usageError(`expected ${list}, not "${word}"`);
  });
  return cmd;
}
