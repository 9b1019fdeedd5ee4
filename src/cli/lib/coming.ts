/**
 * Argo commands argosy does not have yet, and what an unknown command is answered with. A typo must
 * never be answered with a different command that changes or deletes things (`retry` is not
 * `replay`, `template` is not `terminate`), so suggestions come only from read-only commands.
 */

/** An argo command that is planned: its name, what it does, and the issue that adds it. */
export interface ComingCommand {
  name: string;
  what: string;
  issue: string;
}

/** Rows leave this table when their command is registered (see {@link comingCommands}). */
export const COMING: readonly ComingCommand[] = [
  { name: 'template', what: 'manage WorkflowTemplates', issue: '#19' },
  { name: 'cluster-template', what: 'manage ClusterWorkflowTemplates', issue: '#19' },
  { name: 'node', what: 'set outputs/phase of a suspended node (`node set`)', issue: '#18' },
  { name: 'archive', what: "Argo server's workflow archive (argosy keeps no archive)", issue: 'not planned' },
];

/** Commands whose every use only reads: the only ones an unknown command may be pointed to. */
const READ_ONLY = ['get', 'list', 'logs', 'lint', 'wait', 'watch', 'version', 'completion', 'doctor', 'help'];

/** The planned commands that are not registered yet (a row drops out once its command exists). */
export function comingCommands(registered: readonly string[]): ComingCommand[] {
  return COMING.filter((c) => !registered.includes(c.name));
}

/** Edit distance counting a swap of neighbours as one edit (`lsit` is one from `list`). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest read-only commands, at most two edits away. */
function nearest(name: string, registered: readonly string[]): string[] {
  const scored = READ_ONLY.filter((c) => registered.includes(c)).map((c) => ({ c, d: distance(name, c) }));
  const best = Math.min(3, ...scored.map((s) => s.d));
  return best > 2 ? [] : scored.filter((s) => s.d === best).map((s) => s.c);
}

/** What to say about a command that is not registered: one line and what to do. */
export function unknownCommand(name: string, registered: readonly string[]): { message: string; hint: string } {
  const coming = comingCommands(registered).find((c) => c.name === name);
  if (coming) {
    const when = coming.issue === 'not planned' ? 'is not planned' : `is not implemented yet (issue ${coming.issue})`;
    return {
      message: `\`${name}\` (${coming.what}) ${when}`,
      hint: 'see `argosy --help` for the commands that exist and the ones coming',
    };
  }
  const near = nearest(name, registered);
  return {
    message: `unknown command '${name}'`,
    hint: near.length
      ? `did you mean ${near.map((c) => `\`argosy ${c}\``).join(' or ')}? (see \`argosy --help\`)`
      : 'see `argosy --help` for the commands',
  };
}

/** The `--help` lines listing the coming commands. */
export function comingHelp(registered: readonly string[]): string {
  const rows = comingCommands(registered);
  if (!rows.length) return '';
  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = rows.map(
    (r) => `  ${r.name.padEnd(width)}  ${r.what} (${r.issue === 'not planned' ? 'not planned' : `issue ${r.issue}`})`,
  );
  return `\nArgo commands not available yet:\n${lines.join('\n')}\n`;
}
