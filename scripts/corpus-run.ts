// Runs the conformance corpus (../shared/conformance/{argo,argo-upstream,multi-cluster}) through
// `argosy run FILE -o json --runtime process`, one ephemeral local stack per file as a user runs it,
// and sorts every file into: reached Argo's phase, rejected naming a feature not supported yet,
// rejected otherwise (apart: invalid files Kubernetes refuses too), wrong phase (apart: failed visibly
// on an image local mode cannot run, an address outside this machine, the rights Argo's quick-start
// gives the default account, a CRD the file assumes installed, or a built-in kind local clusters do not
// serve), no final phase within the time limit (waiting with a visible reason — apart: for a node of
// another OS/arch than this machine —, still running its pods, or hung without a word), not runnable
// by `argosy run` (not a Workflow, needs a resume/stop/terminate). A finished workflow with a node
// still Pending/Running is counted too. Files get the objects Argo's tests create for them first, and a
// few expectations the manifest judged are corrected from Argo's code (scripts/corpus-setup.ts says
// which and why). Prints one line per file and a summary; `--json FILE` writes them.
//
//   npx tsx scripts/corpus-run.ts [--concurrency 2] [--timeout 180] [--only SUBSTRING] [--json out.json]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CORRECTED, MIN_TIMEOUT_S, PRELOADED_FILES, SETUP } from './corpus-setup.ts';

const ROOT = join(import.meta.dirname, '..');
const SHARED = join(ROOT, '../shared/conformance');

interface Case {
  set: string;
  file: string;
  expected: string;
  /** Path in Argo's repository (argo-upstream only), to resolve symlink files. */
  upstream?: string;
  /** The manifest's expectation when scripts/corpus-setup.ts corrects it. */
  manifestExpected?: string;
}
type Verdict =
  | 'reached'
  | 'unsupported'
  | 'rejected'
  | 'invalid-file'
  | 'wrong-phase'
  | 'needs-image'
  | 'needs-network'
  | 'needs-rbac'
  | 'needs-crd'
  | 'needs-real-cluster'
  | 'needs-node'
  | 'waiting'
  | 'still-running'
  | 'hung'
  | 'not-runnable'
  | 'crashed';
interface Result extends Case {
  verdict: Verdict;
  phase?: string;
  unfinishedNodes?: number;
  seconds: number;
  detail?: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

function cases(): Case[] {
  const up = JSON.parse(readFileSync(join(SHARED, 'argo-upstream/manifest.json'), 'utf8')) as {
    cases: { file: string; expected: string; kinds: string; upstream: string }[];
  };
  const argo = JSON.parse(readFileSync(join(SHARED, 'argo/manifest.json'), 'utf8')) as {
    cases: { file: string; phase: string }[];
  };
  return [
    ...argo.cases.map((c) => ({ set: 'argo', file: c.file, expected: c.phase })),
    ...up.cases.map((c) => {
      const expected = c.kinds === 'Workflow' ? c.expected : `n/a (${c.kinds})`;
      const fixed = CORRECTED[c.file]?.expected;
      const corrected = fixed ? { expected: fixed, manifestExpected: expected } : { expected };
      return { set: 'argo-upstream', file: c.file, upstream: c.upstream, ...corrected };
    }),
    { set: 'multi-cluster', file: 'seed.yaml', expected: 'Succeeded' },
    { set: 'multi-cluster', file: 'fan-out-fan-in.yaml', expected: 'Succeeded' },
  ];
}

/** Phases Argo may end in for an expectation; undefined = `argosy run` cannot reach a final phase. */
function acceptable(expected: string): string[] | undefined {
  if (expected === 'random') return ['Succeeded', 'Failed', 'Error'];
  const head = expected.split(' ')[0] ?? '';
  const phases = head.split('|').filter((p) => ['Succeeded', 'Failed', 'Error'].includes(p));
  return phases.length > 0 ? phases : undefined;
}

/**
 * Git stores Argo's e2e symlinks as one-line files naming their target (relative to the upstream
 * path); the target is in this corpus (flattened with `__`) or in ../argo.
 */
function resolveLink(c: Case): string {
  const file = join(SHARED, c.set, c.file);
  const text = readFileSync(file, 'utf8').trim();
  if (!c.upstream || !/^\.\.?\/\S+\.ya?ml$/.test(text)) return file;
  const parts = c.upstream.split('/').slice(0, -1);
  for (const seg of text.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  const found = [join(SHARED, 'argo-upstream', parts.join('__')), join(SHARED, 'argo', parts.at(-1) ?? '')];
  const target = found.find((f) => existsSync(f));
  if (!target) throw new Error(`symlink to ${text}, which is not in the corpus`);
  return target;
}

/**
 * Objects the examples expect to exist, as Argo's examples_test.go applies every ConfigMap, PVC and
 * (Cluster)WorkflowTemplate of examples/ before them: the parameters ConfigMap, the existing volume, the
 * templates the template examples reference by name — applied with `argosy run --apply`.
 */
const PRELOADED = PRELOADED_FILES.map((f) => join(SHARED, 'argo-upstream', f))
  .filter((f) => existsSync(f))
  .flatMap((f) => ['--apply', f]);

const setupDir = mkdtempSync(join(tmpdir(), 'argosy-corpus-'));

/** `--apply` arguments for what one file needs first (scripts/corpus-setup.ts), by its name or its link target's. */
function setupArgs(c: Case, file: string): string[] {
  const key = SETUP[c.file] ? c.file : basename(file);
  const setup = SETUP[key];
  if (!setup) return [];
  const files = (setup.files ?? []).map((f) => join(SHARED, 'argo-upstream', f));
  if (setup.objects) {
    const path = join(setupDir, key);
    writeFileSync(path, setup.objects);
    files.push(path);
  }
  return files.flatMap((f) => ['--apply', f]);
}

function runOne(c: Case, timeoutS: number): Promise<Result> {
  const started = Date.now();
  let file: string;
  try {
    file = resolveLink(c);
  } catch (e) {
    return Promise.resolve({ ...c, seconds: 0, verdict: 'not-runnable', detail: (e as Error).message });
  }
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'run',
        file,
        ...PRELOADED,
        ...setupArgs(c, file),
        '-o',
        'json',
        '--runtime',
        'process',
      ],
      { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    let hung = false;
    const timer = setTimeout(
      () => {
        hung = true;
        // SIGINT first: `argosy run` stops its stack (and its pod processes) on an interrupt.
        process.kill(-child.pid!, 'SIGINT');
        setTimeout(() => child.exitCode === null && process.kill(-child.pid!, 'SIGKILL'), 15_000).unref();
      },
      Math.max(timeoutS, MIN_TIMEOUT_S[c.file] ?? 0) * 1000,
    );
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ...c, seconds: 0, verdict: 'crashed', detail: `could not start argosy run: ${e.message}` });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      resolve({ ...c, seconds, ...classify(c, code, out, err, hung) });
    });
  });
}

function classify(
  c: Case,
  code: number | null,
  out: string,
  err: string,
  hung: boolean,
): Pick<Result, 'verdict' | 'phase' | 'unfinishedNodes' | 'detail'> {
  const lastErr = err.trim().split('\n').slice(-3).join(' | ').slice(0, 300);
  if (hung) return { verdict: atLimit(err), detail: lastErr };
  if (code === 2) {
    const unsupported = /not supported( by Argosy)? yet/.test(err);
    // The API server would refuse the object as well (metadata.name: Required value), as it refuses `argo submit`.
    const invalid = /metadata: needs name or generateName/.test(err);
    return { verdict: unsupported ? 'unsupported' : invalid ? 'invalid-file' : 'rejected', detail: lastErr };
  }
  let wf: { status?: { phase?: string; nodes?: Record<string, { phase?: string }> } };
  try {
    wf = JSON.parse(out) as typeof wf;
  } catch {
    return { verdict: 'crashed', detail: `exit ${code}: ${lastErr}` };
  }
  const phase = wf.status?.phase ?? '';
  const unfinishedNodes = Object.values(wf.status?.nodes ?? {}).filter(
    (n) => n.phase === 'Pending' || n.phase === 'Running',
  ).length;
  const ok = acceptable(c.expected)?.includes(phase) ?? false;
  const msg = (wf.status as { message?: string } | undefined)?.message;
  if (ok) return { verdict: 'reached', phase, unfinishedNodes };
  const nodeMessages = Object.values(wf.status?.nodes ?? {}).map((n) => (n as { message?: string }).message ?? '');
  return { verdict: environmentVerdict(nodeMessages) ?? 'wrong-phase', phase, unfinishedNodes, detail: msg };
}

/**
 * A wrong phase the user is told the cause of, and the cause is this machine rather than Argosy: an
 * image local mode cannot stand in for (it fails like an image pull), or an address outside (no
 * internet here). Counted apart so the files that are wrong for Argosy's own reasons stand out.
 */
function environmentVerdict(nodeMessages: string[]): Verdict | undefined {
  if (nodeMessages.some((m) => m.includes('local mode cannot run this image'))) return 'needs-image';
  // Argo's quick-start binds `admin` to `default` (manifests/quick-start/base/default-admin-rolebinding.yaml
  // in Argo's repository); Argosy's infra/k8s/workflow-rbac grants workflow pods only the executor's rights.
  if (nodeMessages.some((m) => /is forbidden: User "system:serviceaccount:/.test(m))) return 'needs-rbac';
  // kubectl's words for a kind no CRD declares (Argo's own no-test reasons name the CRDs: TFJob, Route).
  if (nodeMessages.some((m) => /local clusters do not serve this built-in kind/.test(m))) return 'needs-real-cluster';
  if (nodeMessages.some((m) => /ensure CRDs are installed first/.test(m))) return 'needs-crd';
  if (nodeMessages.some((m) => /fetch failed|ENOTFOUND|EAI_AGAIN|getaddrinfo|no such host|ECONNREFUSED/.test(m)))
    return 'needs-network';
  return undefined;
}

/**
 * A run stopped at the time limit: `argosy run` names its unfinished steps when interrupted. A step
 * Pending with a reason (Unschedulable, a missing Secret, waiting for a cluster) is waiting visibly; a
 * step whose pod still runs is a long run; anything else is a silent hang.
 */
function atLimit(err: string): Verdict {
  const line = /interrupted; stopping the local stack \(workflow \S+ was \w+(.*)\)/.exec(err)?.[1] ?? '';
  // The scheduler's words for a pod asking for a node this machine is not (hello-windows, hello-hybrid).
  if (/ Pending: Unschedulable: .*didn't match Pod's node affinity\/selector/.test(line)) return 'needs-node';
  if (/ Pending: \S/.test(line)) return 'waiting';
  if (/ Running(;|$| \d+ more|: )/.test(line)) return 'still-running';
  return 'hung';
}

async function main(): Promise<void> {
  const concurrency = Number(arg('concurrency', '2'));
  const timeoutS = Number(arg('timeout', '180'));
  const only = arg('only', '');
  // --skip LOG: files already reported in an earlier run's output (to continue an interrupted run).
  const skip = arg('skip', '');
  const done = skip ? readFileSync(skip, 'utf8') : '';
  const all = cases().filter((c) => (!only || c.file.includes(only)) && !done.includes(` ${c.set}/${c.file} `));
  const results: Result[] = [];
  const todo = [...all];
  const worker = async () => {
    for (let c = todo.shift(); c; c = todo.shift()) {
      const r: Result = acceptable(c.expected)
        ? await runOne(c, timeoutS)
        : { ...c, verdict: 'not-runnable', seconds: 0, detail: `expected ${c.expected}` };
      results.push(r);
      const extra = [r.phase, r.unfinishedNodes ? `${r.unfinishedNodes} unfinished nodes` : '', r.detail]
        .filter(Boolean)
        .join(' ');
      const manifest = c.manifestExpected ? ` corrected from the manifest's ${c.manifestExpected}` : '';
      console.log(
        `${r.verdict.padEnd(12)} ${c.set}/${c.file} (expected ${c.expected}${manifest}, ${r.seconds}s) ${extra}`,
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  rmSync(setupDir, { recursive: true, force: true });
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  const unfinished = results.filter((r) => (r.unfinishedNodes ?? 0) > 0).length;
  console.log(`\n${results.length} files`);
  for (const [v, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${v.padEnd(12)} ${n}`);
  console.log(`  finished workflows with a node left Pending/Running: ${unfinished}`);
  const json = arg('json', '');
  if (json) writeFileSync(json, JSON.stringify(results, null, 1));
}

await main();
