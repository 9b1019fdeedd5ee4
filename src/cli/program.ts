/**
 * The `argosy` command tree. Each command lives in its own file and is registered here, as one row of
 * `COMMANDS`; heavy ones are loaded only when asked for.
 */
import { Command } from 'commander';
import { comingHelp } from './lib/coming.ts';
import { makeDeleteCommand } from './commands/delete.ts';
import { makeDevCommand } from './commands/dev.ts';
import { makeGetCommand } from './commands/get.ts';
import { makeListCommand } from './commands/list.ts';
import { makeLogsCommand } from './commands/logs.ts';
import { makeNodeCommand } from './commands/node.ts';
import { makeResumeCommand } from './commands/resume.ts';
import { makeRetryCommand } from './commands/retry.ts';
import { makeResubmitCommand } from './commands/resubmit.ts';
import { makeRunCommand } from './commands/run.ts';
import { makeStopCommand, makeSuspendCommand, makeTerminateCommand } from './commands/shutdown.ts';
import { makeSubmitCommand } from './commands/submit.ts';
import { makeWaitCommand } from './commands/wait.ts';
import { makeWatchCommand } from './commands/watch.ts';
import { makeVersionCommand, VERSION } from './commands/version.ts';
import { makeCompletionCommand } from './commands/completion.ts';

/** One row per command: adding a command is adding a row (docs/architecture.md, "Where to add"). */
interface CommandRow {
  /** The name and aliases a user types. */
  names: string[];
  /** Builds the command. */
  make: () => Command | Promise<Command>;
  /**
   * Imported only when asked for by name (or for help / an unknown command): modules whose imports
   * (the AWS SDK costs about a second) `argosy get` should not pay. Use a literal `import()` specifier
   * so bundlers include it and tsc checks it.
   */
  lazy?: true;
}

/** Every command, in the order help lists them. */
const COMMANDS: CommandRow[] = [
  { names: ['run'], make: makeRunCommand },
  { names: ['dev'], make: makeDevCommand },
  { names: ['submit'], make: makeSubmitCommand },
  { names: ['get'], make: makeGetCommand },
  { names: ['list', 'ls'], make: makeListCommand },
  { names: ['logs'], make: makeLogsCommand },
  { names: ['wait'], make: makeWaitCommand },
  { names: ['watch'], make: makeWatchCommand },
  { names: ['stop'], make: makeStopCommand },
  { names: ['terminate'], make: makeTerminateCommand },
  { names: ['resume'], make: makeResumeCommand },
  { names: ['suspend'], make: makeSuspendCommand },
  { names: ['retry'], make: makeRetryCommand },
  { names: ['resubmit'], make: makeResubmitCommand },
  { names: ['node'], make: makeNodeCommand },
  { names: ['delete', 'rm'], make: makeDeleteCommand },
  { names: ['version'], make: makeVersionCommand },
  { names: ['completion'], make: makeCompletionCommand },
  { names: ['lint'], lazy: true, make: async () => (await import('./commands/lint.ts')).makeLintCommand() },
  { names: ['cluster'], lazy: true, make: async () => (await import('./commands/cluster.ts')).makeClusterCommand() },
  { names: ['replay'], lazy: true, make: async () => (await import('./commands/replay.ts')).makeReplayCommand() },
  {
    names: ['controller'],
    lazy: true,
    make: async () => (await import('./commands/controller.ts')).makeControllerCommand(),
  },
  { names: ['resync'], lazy: true, make: async () => (await import('./commands/resync.ts')).makeResyncCommand() },
  { names: ['doctor'], lazy: true, make: async () => (await import('./commands/doctor.ts')).makeDoctorCommand() },
  { names: ['ui'], lazy: true, make: async () => (await import('./commands/ui.ts')).makeUiCommand() },
  {
    names: ['template'],
    lazy: true,
    make: async () => (await import('./commands/template.ts')).makeTemplateCommand(),
  },
  {
    names: ['cluster-template'],
    lazy: true,
    make: async () => (await import('./commands/template.ts')).makeClusterTemplateCommand(),
  },
  { names: ['cron'], lazy: true, make: async () => (await import('./commands/cron.ts')).makeCronCommand() },
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
 * The rows a run needs: every eager command, plus the lazy one it names, or every lazy one when it
 * names none of the commands (help, an unknown command).
 */
function rowsFor(args: string[]): CommandRow[] {
  const wanted = requestedCommand(args);
  // completion lists every command, so it loads them all.
  if (wanted === 'completion') return COMMANDS;
  const named = COMMANDS.find((c) => wanted !== undefined && c.names.includes(wanted));
  return COMMANDS.filter((c) => !c.lazy || !named || c === named);
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
    .version(VERSION)
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
  const commands = await Promise.all(rowsFor(args).map((c) => c.make()));
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
