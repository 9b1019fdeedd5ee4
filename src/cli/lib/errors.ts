/**
 * CLI failures carry their exit code (1 = the operation or the workflow failed, 2 = bad input or
 * nothing to talk to) and a hint that tells the user what to do next.
 */

/** Exit codes of every command (docs/cli.md). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Guard keyed on `name` (two module copies may be loaded under tsx). */
export function isCliError(e: unknown): e is CliError {
  return e instanceof Error && e.name === 'CliError' && typeof (e as CliError).exitCode === 'number';
}

/** Bad input: exit 2. */
export const usageError = (message: string, hint?: string): CliError => new CliError(message, EXIT.usage, hint);

/** The operation failed: exit 1. */
export const failure = (message: string, hint?: string, cause?: unknown): CliError =>
  new CliError(message, EXIT.failed, hint, { cause });
