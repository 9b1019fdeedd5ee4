/**
 * The two reports of `argo lint` (`cmd/argo/lint/formatter_pretty.go`, `formatter_simple.go` in
 * Argo's repository, whose tests give the exact strings): `pretty` (the default) prints each file
 * with problems as an underlined header and `   ✖ <problem>` lines, then a summary; `simple` prints
 * `<file>: <problem>` lines and a summary only when there is nothing else to say.
 */

/** The problems found in one file (or stdin); `linted`: it held at least one object of a linted kind. */
export interface LintResult {
  file: string;
  errs: string[];
  linted: boolean;
}

/** Prints one file's result and the final summary. */
export interface LintFormatter {
  format: (r: LintResult) => string;
  summarize: (results: LintResult[]) => string;
}

const NOTHING = 'found nothing to lint in the specified paths, failing...';

/** Success: something was linted and nothing is wrong (argo's `Results.evaluate`). */
export function isLintSuccess(results: LintResult[]): boolean {
  return results.some((r) => r.linted) && results.every((r) => !r.linted || r.errs.length === 0);
}

// go-color's codes, as argo's pretty formatter wraps them (color.Ize: code + text + reset).
const ize = (color: boolean, code: number, text: string): string => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const UNDERLINE = 4;
const RED = 31;
const GREEN = 32;

function pretty(color: boolean): LintFormatter {
  return {
    format: (r) => {
      if (!r.linted || r.errs.length === 0) return '';
      const lines = r.errs.map((e) => `   ${ize(color, RED, '✖')} ${e}\n`).join('');
      return `${ize(color, UNDERLINE, r.file)}:\n${lines}\n`;
    },
    summarize: (results) => {
      if (isLintSuccess(results)) return `${ize(color, GREEN, '✔')} no linting errors found!\n`;
      if (!results.some((r) => r.linted)) return `${ize(color, RED, `✖ ${NOTHING}`)}\n`;
      const total = results.reduce((n, r) => n + r.errs.length, 0);
      return `${ize(color, RED, `✖ ${total} linting errors found!`)}\n`;
    },
  };
}

const simple: LintFormatter = {
  format: (r) => (r.linted ? r.errs.map((e) => `${r.file}: ${e}\n`).join('') : ''),
  summarize: (results) => {
    if (isLintSuccess(results)) return 'no linting errors found!\n';
    return results.some((r) => r.linted) ? '' : `${NOTHING}\n`;
  },
};

/** The output formats `-o` accepts. */
export const LINT_OUTPUTS = ['pretty', 'simple'] as const;
export type LintOutput = (typeof LINT_OUTPUTS)[number];

/** The formatter for `-o`; `color` only applies to `pretty` (argo's simple report has none). */
export function lintFormatter(output: LintOutput, color: boolean): LintFormatter {
  return output === 'simple' ? simple : pretty(color);
}
