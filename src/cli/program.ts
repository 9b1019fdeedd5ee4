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

/** Commands from other areas: file (relative to this one) and factory export. */
const OPTIONAL_COMMANDS: [string, string][] = [
  ['./lint.ts', 'makeLintCommand'],
  ['./cluster.ts', 'makeClusterCommand'],
  ['./ops/replay.ts', 'makeReplayCommand'],
  ['./ops/controller.ts', 'makeControllerCommand'],
  ['./ops/resync.ts', 'makeResyncCommand'],
  ['./ops/doctor.ts', 'makeDoctorCommand'],
];

async function optionalCommands(): Promise<Command[]> {
  const out: Command[] = [];
  for (const [file, factory] of OPTIONAL_COMMANDS) {
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
 * const program = await createProgram();
 * await program.parseAsync(['node', 'argosy', 'get', 'my-wf', '-o', 'json']);
 */
export async function createProgram(): Promise<Command> {
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
    ...(await optionalCommands()),
  ];
  for (const c of commands) program.addCommand(c);
  return program;
}
