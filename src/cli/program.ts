/**
 * The `argosy` command tree. Each command lives in its own file and is only wired here. Commands
 * owned by other areas (lint, cluster, ops) are loaded when their files exist, so the CLI works
 * while they are being built and picks them up without edits here.
 */
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { makeDeleteCommand } from './commands/delete.ts';
import { makeDevCommand } from './commands/dev.ts';
import { makeGetCommand } from './commands/get.ts';
import { makeListCommand } from './commands/list.ts';
import { makeLogsCommand } from './commands/logs.ts';
import { makeResumeCommand } from './commands/resume.ts';
import { makeRunCommand } from './commands/run.ts';
import { makeStopCommand, makeTerminateCommand } from './commands/shutdown.ts';
import { makeSubmitCommand } from './commands/submit.ts';
import { makeWaitCommand } from './commands/wait.ts';

/** Commands from other areas: name, file (relative to this one) and factory export. */
const OPTIONAL_COMMANDS: [string, string, string][] = [
  ['lint', './lint.ts', 'makeLintCommand'],
  ['cluster', './cluster.ts', 'makeClusterCommand'],
  ['replay', './ops/replay.ts', 'makeReplayCommand'],
  ['controller', './ops/controller.ts', 'makeControllerCommand'],
  ['resync', './ops/resync.ts', 'makeResyncCommand'],
  ['doctor', './ops/doctor.ts', 'makeDoctorCommand'],
];

const BUILT_IN = [
  'run',
  'dev',
  'submit',
  'get',
  'list',
  'ls',
  'logs',
  'wait',
  'stop',
  'terminate',
  'resume',
  'delete',
  'rm',
];
const GLOBAL_WITH_VALUE = new Set(['--kubeconfig', '--context', '-n', '--namespace', '--log-level']);

/** The command name in `argv` (after global flags), if any. */
export function requestedCommand(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (GLOBAL_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/**
 * Loads the optional commands a run needs: none for a built-in command (their AWS SDK imports
 * cost about a second), the named one, or all of them for help and unknown names.
 */
async function optionalCommands(args: string[]): Promise<Command[]> {
  const wanted = requestedCommand(args);
  if (wanted && BUILT_IN.includes(wanted)) return [];
  const named = OPTIONAL_COMMANDS.filter(([name]) => name === wanted);
  const out: Command[] = [];
  for (const [, file, factory] of named.length ? named : OPTIONAL_COMMANDS) {
    const url = new URL(file, import.meta.url);
    if (!existsSync(url)) continue;
    try {
      const mod = (await import(url.href)) as Record<string, unknown>;
      const make = mod[factory];
      if (typeof make === 'function') out.push((make as () => Command)());
    } catch {
      // A command that cannot load (work in progress elsewhere) must not take the others down.
    }
  }
  return out;
}

/**
 * Builds the program. Global flags work before or after the command name.
 *
 * @example
 * const program = await createProgram(['get', 'my-wf', '-o', 'json']);
 * await program.parseAsync(['node', 'argosy', 'get', 'my-wf', '-o', 'json']);
 */
export async function createProgram(args: string[] = []): Promise<Command> {
  const program = new Command('argosy')
    .description(
      'Argo-compatible workflows whose steps run in any Kubernetes cluster, driven by a serverless controller',
    )
    .version('0.1.0')
    .option(
      '--kubeconfig <file>',
      'kubeconfig of the main cluster (default: KUBECONFIG, a running `argosy dev`, ~/.kube/config)',
    )
    .option('--context <name>', 'kubeconfig context of the main cluster')
    .option('-n, --namespace <ns>', 'namespace of the workflows (default: the context namespace, else argo)')
    .option('--no-color', 'no colours')
    .option('--no-utf8', 'ASCII icons and tree lines')
    .option('--log-level <level>', 'logs of the embedded stack on stderr: debug|info|warn|error|silent', 'warn')
    .showHelpAfterError('(run with --help for usage)')
    .enablePositionalOptions(false);
  const commands = [
    makeRunCommand(),
    makeDevCommand(),
    makeSubmitCommand(),
    makeGetCommand(),
    makeListCommand(),
    makeLogsCommand(),
    makeWaitCommand(),
    makeStopCommand(),
    makeTerminateCommand(),
    makeResumeCommand(),
    makeDeleteCommand(),
    ...(await optionalCommands(args)),
  ];
  for (const c of commands) program.addCommand(c);
  return program;
}
