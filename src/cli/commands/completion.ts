/**
 * `argosy completion bash|zsh|fish`: a completion script for the command names and each command's
 * flags, generated from the command tree (argo's comes from cobra; this is a smaller one).
 * Use: `source <(argosy completion bash)`.
 */
import { Command } from 'commander';
import { contextOf } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';

interface Entry {
  name: string;
  flags: string[];
}

function entries(program: Command): Entry[] {
  const flagsOf = (c: Command): string[] => c.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
  return [
    { name: '', flags: flagsOf(program) },
    ...program.commands.map((c) => ({ name: c.name(), flags: [...flagsOf(c), ...c.commands.map((s) => s.name())] })),
  ];
}

function bash(list: Entry[]): string {
  const commands = list.filter((e) => e.name).map((e) => e.name);
  const cases = list
    .filter((e) => e.name)
    .map((e) => `    ${e.name}) words="${e.flags.join(' ')}" ;;`)
    .join('\n');
  return `_argosy() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd="" words w
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do case "$w" in -*) ;; *) cmd=$w; break ;; esac; done
  case "$cmd" in
    "") words="${commands.join(' ')} ${list[0]!.flags.join(' ')}" ;;
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  [[ \${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _argosy argosy
`;
}

function fish(list: Entry[]): string {
  const top = list.filter((e) => e.name).map((e) => e.name);
  const lines = [`complete -c argosy -n __fish_use_subcommand -a "${top.join(' ')}"`];
  for (const e of list.filter((x) => x.name)) {
    const longs = e.flags.filter((f) => f.startsWith('--')).map((f) => f.slice(2));
    const subs = e.flags.filter((f) => !f.startsWith('-'));
    for (const l of longs) lines.push(`complete -c argosy -n "__fish_seen_subcommand_from ${e.name}" -l ${l}`);
    if (subs.length) lines.push(`complete -c argosy -n "__fish_seen_subcommand_from ${e.name}" -a "${subs.join(' ')}"`);
  }
  return lines.join('\n') + '\n';
}

const zsh = (list: Entry[]): string => `autoload -U +X bashcompinit && bashcompinit\n${bash(list)}`;

const SHELLS: Record<string, (list: Entry[]) => string> = { bash, zsh, fish };

export function makeCompletionCommand(): Command {
  return new Command('completion')
    .description('print a shell completion script: source <(argosy completion bash)')
    .argument('<shell>', Object.keys(SHELLS).join('|'))
    .action((shell: string, _opts: unknown, cmd: Command) => {
      const make = SHELLS[shell];
      // argo's words (cmd/argo/commands/completion.go): it has no powershell either.
      if (!make) throw usageError(`invalid shell "${shell}": supported shells are bash, zsh, and fish`);
      contextOf(cmd).io.out(make(entries(cmd.parent!)));
    });
}
