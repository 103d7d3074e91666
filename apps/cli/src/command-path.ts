/** The path of a commander command below the program, e.g. `feeds allow add`. */
import type { Command } from 'commander';

export function fullName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
