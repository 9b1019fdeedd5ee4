/**
 * `argosy lint FILE...`: parse and validate Workflow (and WorkflowTemplate) YAML/JSON offline with the engine's own rules
 * (the same ones a submitted workflow meets). Exit code 0 = valid, 1 = invalid, 2 = a file was unreadable.
 *
 * @example
 * program.addCommand(makeLintCommand());
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { parseWorkflows, validateWorkflow } from '../engine/index.ts';

/** Where lint reads and writes (tests inject all of it). */
export interface LintIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (p: string) => string;
}

/** What lint checks: workflows and the templates they reference. */
const LINTED_KINDS = ['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate'];

/** Exit codes of `argosy lint`. */
export const LINT_EXIT = { valid: 0, invalid: 1, unreadable: 2 } as const;

function lintText(file: string, text: string, io: LintIo): number {
  const { workflows, errors } = parseWorkflows(text, file, { kinds: LINTED_KINDS });
  for (const e of errors) io.stdout(`${file}: ${e.line}:${e.column}: ${e.message}\n`);
  let problems = errors.length;
  workflows.forEach((wf, i) => {
    const prefix = workflows.length > 1 ? `[${i}].` : '';
    const entrypointOptional = wf.kind === 'WorkflowTemplate' || wf.kind === 'ClusterWorkflowTemplate';
    for (const e of validateWorkflow(wf, { entrypointOptional })) {
      io.stdout(`${file}: ${prefix}${e.path}: ${e.message}\n`);
      problems++;
    }
  });
  if (workflows.length === 0 && errors.length === 0) {
    io.stdout(`${file}: no workflows found\n`);
    problems++;
  }
  return problems;
}

/**
 * Lints files; prints `<file>: <path>: <message>` per problem and returns the exit code.
 * @example const code = runLint(['wf.yaml'], { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), readFile: (p) => readFileSync(p, 'utf8') });
 */
export function runLint(files: string[], io: LintIo): number {
  let unreadable = false;
  let invalid = false;
  for (const file of files) {
    let text: string;
    try {
      text = io.readFile(file);
    } catch (e) {
      io.stderr(`${file}: cannot read: ${e instanceof Error ? e.message : String(e)}\n`);
      unreadable = true;
      continue;
    }
    if (lintText(file, text, io) > 0) invalid = true;
    else io.stdout(`${file}: ok\n`);
  }
  if (unreadable) return LINT_EXIT.unreadable;
  return invalid ? LINT_EXIT.invalid : LINT_EXIT.valid;
}

const defaultIo: LintIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readFile: (p) => readFileSync(p, 'utf8'),
};

/** The `lint` command; sets `process.exitCode` to {@link runLint}'s result. */
export function makeLintCommand(io: LintIo = defaultIo): Command {
  return new Command('lint')
    .description('validate Workflow YAML/JSON files (exit 0 valid, 1 invalid, 2 unreadable)')
    .argument('<files...>', 'workflow files (YAML or JSON, one or many documents)')
    .action((files: string[]) => {
      process.exitCode = runLint(files, io);
    });
}
