/**
 * The `argosy` command tree. Each command lives in its own file and is only wired here; commands
 * owned by other areas (lint, cluster, ops) are loaded only when asked for.
 */
import { Command } from 'commander';
import { comingHelp } from './coming.ts';
import { makeDeleteCommand } from './commands/delete.ts';
import { makeDevCommand } from './commands/dev.ts';
import { makeGetCommand } from './commands/get.ts';
import { makeListCommand } from './commands/list.ts';
import { makeLogsCommand } from './commands/logs.ts';
import { makeNodeCommand } from './commands/node.ts';
import { makeResumeCommand } from './commands/resume.ts';
import { makeRunCommand } from './commands/run.ts';
import { makeStopCommand, makeTerminateCommand } from './commands/shutdown.ts';
import { makeSubmitCommand } from './commands/submit.ts';
import { makeWaitCommand } from './commands/wait.ts';

/**
 * Commands from other areas, imported on demand: their AWS SDK imports cost about a second, which
 * `argosy get` should not pay. Literal specifiers so bundlers include them and tsc checks them.
 */
const OPTIONAL_COMMANDS: [string, () => Promise<Command>][] = [
  ['lint', async () => (await import('./lint.ts')).makeLintCommand()],
  ['cluster', async () => (await import('./cluster.ts')).makeClusterCommand()],
  ['replay', async () => (await import('./ops/replay.ts')).makeReplayCommand()],
  ['controller', async () => (await import('./ops/controller.ts')).makeControllerCommand()],
  ['resync', async () => (await import('./ops/resync.ts')).makeResyncCommand()],
  ['doctor', async () => (await import('./ops/doctor.ts')).makeDoctorCommand()],
  ['ui', async () => (await import('./commands/ui.ts')).makeUiCommand()],
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
  'node',
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

/** The optional commands a run needs: none for a built-in, the named one, or all (help, unknown). */
async function optionalCommands(args: string[]): Promise<Command[]> {
  const wanted = requestedCommand(args);
  if (wanted && BUILT_IN.includes(wanted)) return [];
  const named = OPTIONAL_COMMANDS.filter(([name]) => name === wanted);
  return Promise.all((named.length ? named : OPTIONAL_COMMANDS).map(([, load]) => load()));
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
    makeNodeCommand(),
    makeDeleteCommand(),
    ...(await optionalCommands(args)),
  ];
  for (const c of commands) program.addCommand(c);
  program.addHelpText('after', comingHelp(commandNames(program)));
  styleErrors(program);
  return program;
}

/** The names and aliases of the registered commands. */
export function commandNames(program: Command): string[] {
  return program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
}

/**
 * One error style everywhere (`argosy: what`, then what to do), and no "did you mean" from
 * commander: its nearest name may be a destructive command (see coming.ts).
 */
function styleErrors(cmd: Command, path = 'argosy'): void {
  cmd
    .showSuggestionAfterError(false)
    .showHelpAfterError(`  run \`${path} --help\` for usage`)
    .configureOutput({ outputError: (str, write) => write(`argosy: ${str.replace(/^error: /, '')}`) });
  for (const sub of cmd.commands) styleErrors(sub, `${path} ${sub.name()}`);
}
