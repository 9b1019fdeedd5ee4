/**
 * Entry point of the `argosy` CLI: builds the program, runs the command, maps failures to exit
 * codes (0 ok, 1 the workflow or the operation failed, 2 bad input or nothing to talk to) and
 * prints errors as one line plus what to do, never with credentials.
 */
import { CommanderError, type Command } from 'commander';
import { unknownCommand } from './lib/coming.ts';
import { isKubeApiError, isKubeUnreachableError } from '../adapters/kube/errors.ts';
import { redact } from '../logger.ts';
import { isKubeconfigError } from '../clusters/kubeconfig.ts';
import { EXIT, isCliError, usageError } from './lib/errors.ts';
import { commandNames, createProgram, requestedCommand } from './program.ts';

// The embedded SQS emulator uses node:sqlite, whose "experimental" warning would be the first line a
// newcomer sees on `npm start`. Drop only that warning; every other one still prints.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (String(warning instanceof Error ? warning.message : warning).includes('SQLite')) return;
  (emitWarning as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

function describe(e: unknown): { message: string; hint?: string; code: number } {
  if (isCliError(e)) return { message: e.message, hint: e.hint, code: e.exitCode };
  if (e instanceof CommanderError) {
    const ok = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0;
    return { message: '', code: ok ? EXIT.ok : EXIT.usage };
  }
  if (isKubeconfigError(e)) return { message: e.message, hint: e.hint, code: EXIT.usage };
  if (isKubeUnreachableError(e)) {
    return {
      message: e.message,
      hint: 'is the cluster up? (`argosy dev` running, or the right --kubeconfig)',
      code: EXIT.failed,
    };
  }
  // 400/422: the API server refused what we sent (an invalid name, a bad field): bad input, exit 2.
  if (isKubeApiError(e) && (e.statusCode === 400 || e.statusCode === 422)) {
    return { message: e.message, hint: 'fix the input and try again (argosy lint checks files)', code: EXIT.usage };
  }
  if (isKubeApiError(e)) return { message: e.message, code: EXIT.failed };
  return { message: e instanceof Error ? e.message : String(e), code: EXIT.failed };
}

/** An unknown command is refused before commander sees it, so it is never mapped to another. */
function refuseUnknownCommand(program: Command, args: string[]): void {
  const wanted = requestedCommand(args);
  const names = [...commandNames(program), 'help'];
  if (wanted === undefined || names.includes(wanted)) return;
  const { message, hint } = unknownCommand(wanted, names);
  throw usageError(message, hint);
}

/** Runs the CLI on `argv` (node-style: `[node, script, ...args]`) and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = await createProgram(argv.slice(2));
  program.exitOverride();
  for (const c of program.commands) c.exitOverride();
  try {
    refuseUnknownCommand(program, argv.slice(2));
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    const { message, hint, code } = describe(e);
    if (message) {
      process.stderr.write(`argosy: ${String(redact(message))}\n`);
      if (hint) process.stderr.write(`  ${String(redact(hint))}\n`);
    }
    return code;
  }
}

// `argosy logs ... | head`: the reader went away; stop quietly instead of crashing with EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.ok);
    throw e;
  });
}

const code = await runCli(process.argv);
// Exit explicitly: an embedded stack or keep-alive sockets must not keep a finished command alive.
process.stdout.write('', () => process.exit(code));
