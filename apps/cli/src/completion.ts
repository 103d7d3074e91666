/**
 * `hdns completion bash|zsh|fish`: a completion script generated from the commander tree, so a
 * new command or option completes without touching this file. Every script works the same way:
 * it walks the words typed so far, keeps the longest known command path (`feeds allow`), and
 * offers that command's subcommands and options.
 *
 * Contract: the scripts only complete words (no file names beyond the shell's default, no calls
 * back into `hdns`), so they are fast and need no login.
 */
import type { Command } from 'commander';
import { usageError } from './cli-error.js';
import { fullName } from './command-path.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

interface Node {
  /** '' for the program itself, else e.g. `feeds allow`. */
  path: string;
  subcommands: { name: string; description: string }[];
  options: { flags: string[]; description: string }[];
}

/** Every command of the tree, depth first, with what may follow it. */
export function commandTree(program: Command): Node[] {
  const nodes: Node[] = [];
  const visit = (cmd: Command): void => {
    const helpFlags = ['-h', '--help'];
    nodes.push({
      path: cmd === program ? '' : fullName(cmd),
      subcommands: cmd.commands.map((c) => ({ name: c.name(), description: c.description() })),
      options: [
        ...cmd.options.map((o) => ({
          flags: [o.short, o.long].filter((f): f is string => f !== undefined),
          description: o.description,
        })),
        { flags: helpFlags, description: 'Show help' },
      ],
    });
    for (const c of cmd.commands) visit(c);
  };
  visit(program);
  return nodes;
}

export function completionScript(program: Command, shell: string): string {
  const nodes = commandTree(program);
  if (shell === 'bash') return bash(nodes);
  if (shell === 'zsh') return zsh(nodes);
  if (shell === 'fish') return fish(nodes);
  throw usageError(`completion: the shell must be one of ${SHELLS.join(', ')}, not "${shell}"`);
}

/** Single-quoted for sh-like shells and fish ('\'' closes, escapes and reopens). */
function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function fishQuote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function words(node: Node): string[] {
  return [...node.subcommands.map((s) => s.name), ...node.options.flatMap((o) => o.flags)];
}

/** The shared walk: PATH grows by each typed word that makes a known command path. */
function pathCases(nodes: Node[], variable: string): string {
  const known = nodes.filter((n) => n.path !== '').map((n) => quote(n.path));
  return `case "$candidate" in\n      ${known.join('|')}) ${variable}="$candidate" ;;\n    esac`;
}

function bash(nodes: Node[]): string {
  const cases = nodes
    .map((n) => `    ${quote(n.path)}) words=${quote(words(n).join(' '))} ;;`)
    .join('\n');
  return `# hdns completion for bash. Install: hdns completion bash > ~/.local/share/bash-completion/completions/hdns
_hdns_complete() {
  local cur cmdpath candidate words w i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmdpath=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    candidate="\${cmdpath:+$cmdpath }$w"
    ${pathCases(nodes, 'cmdpath')}
  done
  case "$cmdpath" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _hdns_complete hdns
`;
}

function zsh(nodes: Node[]): string {
  const cases = nodes
    .map((n) => {
      const described = [
        ...n.subcommands.map((s) => `${s.name}:${s.description}`),
        ...n.options.flatMap((o) => o.flags.map((f) => `${f}:${o.description}`)),
      ].map(quote);
      return `    ${quote(n.path)}) choices=(${described.join(' ')}) ;;`;
    })
    .join('\n');
  // `path` is special in zsh (tied to $PATH), hence cmdpath.
  return `#compdef hdns
# hdns completion for zsh. Install: hdns completion zsh > "\${fpath[1]}/_hdns" (then restart zsh),
# or add  source <(hdns completion zsh)  to ~/.zshrc after compinit.
_hdns() {
  local cmdpath="" candidate w i
  local -a choices
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    [[ "$w" == -* ]] && continue
    candidate="\${cmdpath:+$cmdpath }$w"
    ${pathCases(nodes, 'cmdpath')}
  done
  case "$cmdpath" in
${cases}
    *) choices=() ;;
  esac
  _describe 'hdns' choices
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _hdns "$@"
else
  compdef _hdns hdns
fi
`;
}

function fish(nodes: Node[]): string {
  const lines: string[] = [
    '# hdns completion for fish. Install: hdns completion fish > ~/.config/fish/completions/hdns.fish',
    `set -g __hdns_paths ${nodes
      .filter((n) => n.path !== '')
      .map((n) => fishQuote(n.path))
      .join(' ')}`,
    'function __hdns_path',
    "    set -l p ''",
    '    for w in (commandline -opc)[2..-1]',
    "        string match -q -- '-*' $w; and continue",
    '        set -l c (string trim -- "$p $w")',
    '        contains -- $c $__hdns_paths; and set p $c',
    '    end',
    '    echo "/$p"',
    'end',
    'complete -c hdns -f',
  ];
  for (const n of nodes) {
    const when = fishQuote(`test (__hdns_path) = ${fishQuote(`/${n.path}`)}`);
    for (const s of n.subcommands) {
      lines.push(
        `complete -c hdns -n ${when} -a ${fishQuote(s.name)} -d ${fishQuote(s.description)}`,
      );
    }
    for (const o of n.options) {
      const flags = o.flags
        .map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`))
        .join(' ');
      lines.push(`complete -c hdns -n ${when} ${flags} -d ${fishQuote(o.description)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
