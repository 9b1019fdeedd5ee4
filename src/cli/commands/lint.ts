/**
 * `argosy lint PATH...`, as `argo lint`: validates Workflows, WorkflowTemplates, CronWorkflows and
 * ClusterWorkflowTemplates in files, directories (walked in lexical order, `.yaml`/`.yml`/`.json` files
 * only, as Argo's `WalkManifests`) or stdin (`-`), with the engine's own rules (the ones a submitted
 * workflow meets). `--kinds` limits the kinds (argo's plural or short names, or `all`); objects of other
 * kinds are not linted, as argo ignores them. `-o pretty|simple` picks argo's report. Exit 0 = valid,
 * 1 = problems (or nothing to lint), 2 = a path was unreadable.
 *
 * @example
 * program.addCommand(makeLintCommand());
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Command } from 'commander';
import { parseWorkflows, validateWorkflow } from '../../engine/index.ts';
import type { Workflow } from '../../engine/types.ts';
import type { CronWorkflow } from '../../engine/cron/decide-cron.ts';
import { cronProblems } from '../../engine/cron/validate-cron.ts';
import { templateProblems } from '../lib/manifests.ts';
import { usageError } from '../lib/errors.ts';
import { unknownClusterProblems } from '../lib/cluster-names.ts';
import { readDevState } from '../lib/dev-state.ts';
import { contextOf } from '../lib/context.ts';
import { isLintSuccess, lintFormatter, LINT_OUTPUTS, type LintOutput, type LintResult } from './lint-format.ts';

/** Where lint reads and writes (tests inject all of it). */
export interface LintIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** The text of a file (`-` = stdin). */
  readFile: (p: string) => string;
  /** The entry names of a directory, or undefined when `p` is not one. */
  readDir?: (p: string) => string[] | undefined;
}

/** How to lint: which kinds, which report, colours. */
export interface LintOptions {
  kinds?: string[];
  output?: LintOutput;
  color?: boolean;
  /** The configured cluster names when the CLI can see them (a running `argosy dev`): others are problems. */
  clusters?: string[];
  /** `--strict=false`: a repeated YAML key keeps its last value (go-yaml's lenient reading) instead of an error. */
  lenientYaml?: boolean;
}

/** Exit codes of `argosy lint`. */
export const LINT_EXIT = { valid: 0, invalid: 1, unreadable: 2 } as const;

type Kind = 'Workflow' | 'WorkflowTemplate' | 'CronWorkflow' | 'ClusterWorkflowTemplate';

// argo's plural and short names (pkg/apis/workflow/register.go), the names --kinds accepts.
const KIND_NAMES: Record<string, Kind> = {
  workflows: 'Workflow',
  wf: 'Workflow',
  workflowtemplates: 'WorkflowTemplate',
  wftmpl: 'WorkflowTemplate',
  cronworkflows: 'CronWorkflow',
  cronwf: 'CronWorkflow',
  clusterworkflowtemplates: 'ClusterWorkflowTemplate',
  cwftmpl: 'ClusterWorkflowTemplate',
};
const ALL_KINDS: Kind[] = ['Workflow', 'WorkflowTemplate', 'CronWorkflow', 'ClusterWorkflowTemplate'];
const MANIFEST_EXT = new Set(['.yaml', '.yml', '.json']);

/** The kinds `--kinds` names (`all`, or an empty list, is every kind); a usage error for unknown ones. */
export function lintKinds(names: string[] | undefined): Kind[] {
  const list = (names ?? []).flatMap((n) => n.split(',')).filter(Boolean);
  if (list.length === 0 || list.some((n) => n.includes('all'))) return ALL_KINDS;
  return list.map((n) => {
    const kind = KIND_NAMES[n];
    if (!kind) throw usageError(`unknown kind: ${n}`, `use ${Object.keys(KIND_NAMES).join(', ')} or all`);
    return kind;
  });
}

/** argo's getObjectName: `"name" (Kind)`, else the generateName, else `object #N`. */
function objectName(obj: Workflow, kind: string, index: number): string {
  const name = obj.metadata.name || obj.metadata.generateName || `object #${index + 1}`;
  return `"${name}" (${kind})`;
}

function problemsOf(obj: Workflow, kind: Kind, clusters: string[] | undefined): string[] {
  const placed = clusters && kind !== 'CronWorkflow' ? unknownClusterProblems(obj, clusters) : [];
  if (kind === 'WorkflowTemplate' || kind === 'ClusterWorkflowTemplate') return [...templateProblems(obj), ...placed];
  if (kind === 'CronWorkflow') return cronProblems(obj as unknown as CronWorkflow);
  return [...validateWorkflow(obj).map((e) => `${e.path}: ${e.message}`), ...placed];
}

/** Lints the objects of one file's text. */
export function lintText(file: string, text: string, kinds: Kind[], clusters?: string[], strict = true): LintResult {
  const res: LintResult = { file, errs: [], linted: false };
  // Other kinds (ConfigMaps, ...) come back as `objects` and are not linted, as argo ignores them.
  const { workflows, errors } = parseWorkflows(text, file, { kinds: ALL_KINDS, otherKinds: 'objects', strict });
  for (const e of errors) res.errs.push(`${e.line}:${e.column}: ${e.message}`);
  res.linted = errors.length > 0;
  workflows.forEach((obj, i) => {
    const kind = (obj.kind ?? 'Workflow') as Kind;
    if (!kinds.includes(kind)) return;
    res.linted = true;
    for (const p of problemsOf(obj, kind, clusters)) res.errs.push(`in ${objectName(obj, kind, i)}: ${p}`);
  });
  return res;
}

function defaultReadDir(p: string): string[] | undefined {
  if (p === '-' || !statSync(p).isDirectory()) return undefined;
  return readdirSync(p);
}

/** The files to lint under `root`: itself, or the manifests of a directory tree in lexical order. */
function walk(root: string, io: LintIo): string[] {
  const entries = (io.readDir ?? defaultReadDir)(root);
  if (entries === undefined) return [root];
  const out: string[] = [];
  for (const name of [...entries].sort()) {
    const p = join(root, name);
    const sub = (io.readDir ?? defaultReadDir)(p);
    if (sub !== undefined) out.push(...walk(p, io));
    else if (MANIFEST_EXT.has(extname(p))) out.push(p);
  }
  return out;
}

function readAll(root: string, io: LintIo): { file: string; text: string }[] | undefined {
  try {
    return walk(root, io).map((file) => ({ file: file === '-' ? 'stdin' : file, text: io.readFile(file) }));
  } catch (e) {
    io.stderr(`${root}: cannot read: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  }
}

/**
 * Lints paths; prints argo's report as it goes and returns the exit code.
 * @example const code = runLint(['wf.yaml'], { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), readFile: (p) => readFileSync(p, 'utf8') });
 */
export function runLint(paths: string[], io: LintIo, opts: LintOptions = {}): number {
  const kinds = lintKinds(opts.kinds);
  const fmt = lintFormatter(opts.output ?? 'pretty', opts.color ?? false);
  const results: LintResult[] = [];
  let unreadable = false;
  for (const root of paths) {
    const files = readAll(root, io);
    if (!files) unreadable = true;
    for (const { file, text } of files ?? []) {
      const r = lintText(file, text, kinds, opts.clusters, !opts.lenientYaml);
      results.push(r);
      io.stdout(fmt.format(r));
    }
  }
  io.stdout(fmt.summarize(results));
  if (unreadable) return LINT_EXIT.unreadable;
  return isLintSuccess(results) ? LINT_EXIT.valid : LINT_EXIT.invalid;
}

/** Lint's io on the real file system, writing through `out`/`err`. */
export function fileLintIo(out: (s: string) => void, err: (s: string) => void): LintIo {
  return { stdout: out, stderr: err, readFile: (p) => readFileSync(p === '-' ? 0 : p, 'utf8') };
}

const defaultIo = fileLintIo(
  (s) => void process.stdout.write(s),
  (s) => void process.stderr.write(s),
);

/** Reads `-o` (pretty or simple). */
export function lintOutput(value: string | undefined): LintOutput {
  const v = value ?? 'pretty';
  if (!(LINT_OUTPUTS as readonly string[]).includes(v))
    throw usageError(`invalid argument "${v}" for "-o, --output" flag: must be one of pretty|simple`);
  return v as LintOutput;
}

interface LintFlags {
  kinds?: string[];
  output?: string;
  color?: boolean;
  strict?: string | boolean;
}

const BOOL_WORDS: Record<string, boolean> = { '1': true, t: true, true: true, '0': false, f: false, false: false };

/**
 * argo's `--strict`, a Go bool flag: `--strict` or `--strict=false`; it never takes the next word, so
 * `--strict wf.yaml` lints wf.yaml strictly (commander hands that word to the flag: it goes back to paths).
 */
export function lintStrict(value: string | boolean | undefined, paths: string[]): boolean {
  if (value === undefined || typeof value === 'boolean') return value !== false;
  const known = BOOL_WORDS[value.toLowerCase()];
  if (known !== undefined) return known;
  paths.unshift(value);
  return true;
}

/**
 * What `--strict=false` cannot relax: argo's lenient parse drops fields its types do not have, and its
 * controller ignores them; Argosy's controller refuses them (the workflow ends Error), so lint keeps
 * reporting them rather than pass a file that will fail. Said once, on stderr.
 */
export const NOT_STRICT_NOTE =
  'argosy: --strict=false: fields Argo does not know are still reported: the Argosy controller refuses them (argo ignores them)\n';

/** The `lint` command; sets `process.exitCode` to {@link runLint}'s result. */
export function makeLintCommand(io: LintIo = defaultIo, isTTY = Boolean(process.stdout.isTTY)): Command {
  return new Command('lint')
    .description('validate files or directories of manifests (exit 0 valid, 1 invalid, 2 unreadable)')
    .argument('[paths...]', 'files, directories or - for stdin (YAML or JSON, one or many documents)')
    .option(
      '--kinds <kinds>',
      'kinds to lint: workflows,workflowtemplates,cronworkflows,clusterworkflowtemplates',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('-o, --output <format>', 'report format: pretty or simple', 'pretty')
    .option('--offline', 'lint without a cluster (argosy always does)')
    .option('--strict [bool]', 'strict validation (default true; see `--strict=false` in docs/cli.md)')
    .action((paths: string[], flags: LintFlags, cmd: Command) => {
      const strict = lintStrict(flags.strict, paths);
      if (!strict) io.stderr(NOT_STRICT_NOTE);
      if (paths.length === 0)
        throw usageError("missing required argument 'paths'", 'run `argosy lint --help` for usage');
      const globals = cmd.optsWithGlobals<LintFlags>();
      const clusters = readDevState(contextOf(cmd).config.home)?.clusters;
      const opts = {
        kinds: flags.kinds,
        output: lintOutput(flags.output),
        color: globals.color !== false && isTTY,
        lenientYaml: !strict,
        ...(clusters ? { clusters } : {}),
      };
      process.exitCode = runLint(paths, io, opts);
    });
}
