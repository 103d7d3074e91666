/**
 * `hdns completion bash|zsh|fish`: the scripts come from the command tree, so every command is
 * in them; the bash script is valid (`bash -n`) and, sourced in a real bash, completes
 * subcommands and options at any depth.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from './cli.js';
import type { Output } from './output.js';
import { buildProgram } from './program.js';

const run = promisify(execFile);

async function hdns(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out: Output = { line: (t) => stdout.push(t), notice: (t) => stderr.push(`hdns: ${t}`) };
  const code = await main(argv, out);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

const silent: Output = { line: () => undefined, notice: () => undefined };
const TOP_LEVEL = buildProgram(silent, () => undefined).commands.map((c) => c.name());

/** What the bash completion offers after `hdns WORDS… CUR`. */
async function bashComplete(script: string, words: string[], cur = ''): Promise<string[]> {
  const all = ['hdns', ...words, cur].map((w) => `'${w}'`).join(' ');
  const { stdout } = await run('bash', [
    '-c',
    `${script}\nCOMP_WORDS=(${all}); COMP_CWORD=${words.length + 1}; _hdns_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ]);
  return stdout.split('\n').filter(Boolean);
}

describe('hdns completion', () => {
  it('prints a bash script that names every top-level command and that bash accepts', async () => {
    expect(TOP_LEVEL).toEqual(
      expect.arrayContaining(['login', 'events', 'tail', 'zones', 'records', 'rpz', 'feeds']),
    );
    const { code, stdout } = await hdns('completion', 'bash');
    expect(code).toBe(0);
    for (const name of TOP_LEVEL) expect(stdout).toMatch(new RegExp(`[' ]${name}[' ]`));
    const check = run('bash', ['-n', '-c', stdout]);
    await expect(check).resolves.toBeDefined();
  });

  it('completes commands, subcommands and options in a real bash', async () => {
    const { stdout: script } = await hdns('completion', 'bash');
    expect(await bashComplete(script, [])).toEqual(
      expect.arrayContaining([...TOP_LEVEL, '--help', '--version']),
    );
    expect(await bashComplete(script, [], 'fe')).toEqual(['feeds']);
    expect(await bashComplete(script, ['feeds', 'allow'])).toEqual([
      'list',
      'add',
      'delete',
      '-h',
      '--help',
    ]);
    // Options after a positional argument still belong to the subcommand.
    expect(await bashComplete(script, ['records', 'add', 'example.com', 'www'], '--p')).toEqual([
      '--priority',
      '--port',
    ]);
    expect(await bashComplete(script, ['alerts', 'deliveries'], '--st')).toEqual(['--status']);
  });

  it('prints zsh and fish scripts for the same tree', async () => {
    const zsh = await hdns('completion', 'zsh');
    expect(zsh.code).toBe(0);
    expect(zsh.stdout.split('\n')[0]).toBe('#compdef hdns');
    expect(zsh.stdout).toContain("'feeds allow') choices=('list:The allowlist'");
    const fish = await hdns('completion', 'fish');
    expect(fish.code).toBe(0);
    expect(fish.stdout).toContain(
      "complete -c hdns -n 'test (__hdns_path) = \\'/feeds allow\\'' -a 'list' -d 'The allowlist'",
    );
    for (const name of TOP_LEVEL) expect(fish.stdout).toContain(`-a '${name}'`);
  });

  it('refuses an unknown shell with exit code 2', async () => {
    const r = await hdns('completion', 'tcsh');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the shell must be one of bash, zsh, fish, not "tcsh"');
  });
});
