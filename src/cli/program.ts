/**
 * The `argosy` command tree. Each command lives in its own file and is registered here, as one row of
 * `COMMANDS`; a run imports only the command it names.
 */
import { Command } from 'commander';
import { comingHelp } from './lib/coming.ts';
import { VERSION } from './lib/version.ts';

/** One row per command: adding a command is adding a row (docs/architecture.md, "Where to add"). */
interface CommandRow {
  /** The name and aliases a user types. */
  names: string[];
  /**
   * Imports the command's module and builds it. Only the command asked for by name is imported (every
   * one for help, completion or an unknown command), so `argosy list` does not load the local stack,
   * the UI server or the AWS SDK; the CLI bundle is split at these imports (scripts/build.ts). Use a
   * literal `import()` specifier so bundlers include it and tsc checks it.
   */
  make: () => Promise<Command>;
}

/** Every command, in the order help lists them. */
const COMMANDS: CommandRow[] = [
  { names: ['run'], make: async () => (await import('./commands/run.ts')).makeRunCommand() },
  { names: ['dev'], make: async () => (await import('./commands/dev.ts')).makeDevCommand() },
  { names: ['submit'], make: async () => (await import('./commands/submit.ts')).makeSubmitCommand() },
  { names: ['get'], make: async () => (await import('./commands/get.ts')).makeGetCommand() },
  { names: ['list', 'ls'], make: async () => (await import('./commands/list.ts')).makeListCommand() },
  { names: ['logs'], make: async () => (await import('./commands/logs.ts')).makeLogsCommand() },
  { names: ['wait'], make: async () => (await import('./commands/wait.ts')).makeWaitCommand() },
  { names: ['watch'], make: async () => (await import('./commands/watch.ts')).makeWatchCommand() },
  { names: ['stop'], make: async () => (await import('./commands/shutdown.ts')).makeStopCommand() },
  { names: ['terminate'], make: async () => (await import('./commands/shutdown.ts')).makeTerminateCommand() },
  { names: ['resume'], make: async () => (await import('./commands/resume.ts')).makeResumeCommand() },
  { names: ['suspend'], make: async () => (await import('./commands/shutdown.ts')).makeSuspendCommand() },
  { names: ['retry'], make: async () => (await import('./commands/retry.ts')).makeRetryCommand() },
  { names: ['resubmit'], make: async () => (await import('./commands/resubmit.ts')).makeResubmitCommand() },
  { names: ['node'], make: async () => (await import('./commands/node.ts')).makeNodeCommand() },
  { names: ['delete', 'rm'], make: async () => (await import('./commands/delete.ts')).makeDeleteCommand() },
  { names: ['version'], make: async () => (await import('./commands/version.ts')).makeVersionCommand() },
  { names: ['completion'], make: async () => (await import('./commands/completion.ts')).makeCompletionCommand() },
  { names: ['lint'], make: async () => (await import('./commands/lint.ts')).makeLintCommand() },
  { names: ['cluster'], make: async () => (await import('./commands/cluster.ts')).makeClusterCommand() },
  { names: ['replay'], make: async () => (await import('./commands/replay.ts')).makeReplayCommand() },
  { names: ['controller'], make: async () => (await import('./commands/controller.ts')).makeControllerCommand() },
  { names: ['resync'], make: async () => (await import('./commands/resync.ts')).makeResyncCommand() },
  { names: ['doctor'], make: async () => (await import('./commands/doctor.ts')).makeDoctorCommand() },
  { names: ['ui'], make: async () => (await import('./commands/ui.ts')).makeUiCommand() },
  { names: ['template'], make: async () => (await import('./commands/template.ts')).makeTemplateCommand() },
  {
    names: ['cluster-template'],
    make: async () => (await import('./commands/template.ts')).makeClusterTemplateCommand(),
  },
  { names: ['cron'], make: async () => (await import('./commands/cron.ts')).makeCronCommand() },
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
 * The rows a run needs: the command it names, or every one when it names none of them (help, an
 * unknown command) or asks for completion, which lists them all.
 */
export function rowsFor(args: string[]): CommandRow[] {
  const wanted = requestedCommand(args);
  if (wanted === 'completion') return COMMANDS;
  const named = COMMANDS.find((c) => wanted !== undefined && c.names.includes(wanted));
  return named ? [named] : COMMANDS;
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
