/**
 * The CLI on a large workflow (issue: `argosy get` took 43 s and `logs` 8 min on 10,000 nodes).
 * A `pods`-pod `withSequence` fan-out whose pods log two lines runs to Succeeded on the sim stack;
 * then each command runs as a user runs it (a child process of bin/argosy.js against the stack's
 * kubeconfig), wall time to exit and, for `logs`, to its first line of output. Every figure sits
 * next to the same run's `argosy version` (process start from the bundle `npm ci` builds, as
 * shipped: {@link shippedStart}), and the in-process render
 * times at a tenth of the size give the growth ratio (≈ 10 when linear).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Workflow } from '../src/engine/types.ts';
import { inflateWorkflow } from '../src/adapters/kube/compressed-nodes.ts';
import { renderWorkflow } from '../src/cli/render/workflow.ts';
import { WatchPrinter } from '../src/cli/render/watch.ts';
import { round, summarize, type Summary } from './baseline.ts';
import { runToCompletion, type BenchStack } from './latency.ts';
import { staleReason } from '../bin/start.js';

const ROOT = resolve(import.meta.dirname, '..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const BIN = join(ROOT, 'bin/argosy.js');
const READER = join(ROOT, 'bench/cli-reader.mjs');

/** A fan-out of `count` pods, each logging two lines. */
export function loggingFanOut(count: number): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: 'cli-wide-' },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks: [{ name: 'fan', template: 'work', withSequence: { count: String(count) } }] } },
        {
          name: 'work',
          metadata: { annotations: { 'sim.argosy.io/log': 'first line\nsecond line' } },
          container: { image: 'argoproj/argosay:v2' },
        },
      ],
    },
  } as Workflow;
}

interface Timed {
  ms: number;
  firstOutputMs?: number;
  code: number | null;
  bytes: number;
  lines: number;
}

/**
 * Runs `argosy ...args` to the end (or, with `firstOnly`, stops it at its first output); wall time,
 * time to the first stdout byte, output size. The output is read by bench/cli-reader.mjs, a process
 * of its own, as a terminal would: this process is busy hosting the stack.
 */
function timeCli(args: string[], env: NodeJS.ProcessEnv, firstOnly = false): Promise<Timed> {
  return new Promise((done, fail) => {
    const reader = spawn(NODE, [READER, firstOnly ? '1' : '0', NODE, BIN, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    reader.stdout.on('data', (d: Buffer) => (out += d.toString()));
    reader.on('error', fail);
    reader.on('close', () => {
      let r: Timed & { killed: boolean; err: string };
      try {
        r = JSON.parse(out) as Timed & { killed: boolean; err: string };
      } catch {
        return fail(new Error(`argosy ${args.join(' ')}: no report from the reader (${out.slice(0, 200)})`));
      }
      if (r.code !== 0 && !(firstOnly && r.killed))
        return fail(new Error(`argosy ${args.join(' ')} exited ${r.code}: ${r.err}`));
      done({
        ms: r.ms,
        ...(r.firstOutputMs === undefined ? {} : { firstOutputMs: r.firstOutputMs }),
        code: r.code,
        bytes: r.bytes,
        lines: r.lines,
      });
    });
  });
}

async function repeat(n: number, fn: () => Promise<Timed>): Promise<{ wall: Summary; first?: Summary; last: Timed }> {
  const runs: Timed[] = [];
  for (let i = 0; i < n; i++) runs.push(await fn());
  const firsts = runs.flatMap((r) => (r.firstOutputMs === undefined ? [] : [r.firstOutputMs]));
  return {
    wall: summarize(runs.map((r) => r.ms)),
    ...(firsts.length ? { first: summarize(firsts) } : {}),
    last: runs[runs.length - 1]!,
  };
}

/** In-process: median ms of `fn` over `n` runs. */
function timeIt(n: number, fn: () => void): Summary {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  return summarize(xs, 2);
}

/**
 * In-process, at steady state: `warm` untimed runs (the JIT, and the collections the previous
 * measurement's garbage still owes), then the median ms of `n` timed runs, each paying for the
 * collections its own garbage causes.
 */
function timeSteady(warm: number, n: number, fn: () => void): Summary {
  for (let i = 0; i < warm; i++) fn();
  return timeIt(n, fn);
}

export interface CliFigures {
  pods: number;
  nodes: number;
  runSeconds: number;
  /** `argosy version`: process start, the floor of every command below. */
  processStart: Summary;
  /** What bin/argosy.js started from (ARGOSY_START_DEBUG): the bundle, as shipped, unless it could not be built. */
  startsFrom: string;
  /** `wall` of `logs` is its time to the first line when it was stopped there (`stopped`). */
  commands: Record<string, { wall: Summary; first?: Summary; bytes: number; lines: number; stopped?: boolean }>;
  /** In-process `argo get` view and `submit --watch` redraw, at the full size and a tenth of it. */
  render: { full: Summary; tenth: Summary; ratio: number; watchRedraw: Summary; watchChanges: Summary };
}

/** Keeps a tenth of the pod nodes (and the root's children list accordingly). */
function tenthOf(wf: Workflow): Workflow {
  const nodes = wf.status?.nodes ?? {};
  const kept = Object.entries(nodes).filter(([, n], i) => n.type !== 'Pod' || i % 10 === 0);
  const ids = new Set(kept.map(([id]) => id));
  const trimmed = Object.fromEntries(
    kept.map(([id, n]) => [id, { ...n, ...(n.children ? { children: n.children.filter((c) => ids.has(c)) } : {}) }]),
  );
  return { ...wf, status: { ...wf.status, nodes: trimmed } };
}

export function renderFigures(wf: Workflow, runs: number): CliFigures['render'] {
  const opts = { style: { color: false, utf8: true }, now: new Date() };
  const small = tenthOf(wf);
  // Each size after its own untimed runs: timed right after the full view, the tenth paid the full view's
  // collections (and alternating the two would make each pay for the other's).
  const full = timeSteady(3, runs, () => renderWorkflow(wf, opts));
  const tenth = timeSteady(3, runs, () => renderWorkflow(small, opts));
  const tty = new WatchPrinter({ ...opts, tty: true, write: () => {} });
  const watchRedraw = timeIt(runs, () => tty.update(wf, new Date(Date.now() + 2000)));
  const changes = timeIt(runs, () => new WatchPrinter({ ...opts, tty: false, write: () => {} }).update(wf, new Date()));
  return { full, tenth, ratio: round(full.median / tenth.median, 1), watchRedraw, watchChanges: changes };
}

/**
 * What users run after `npm ci`: the CLI bundle. Built here when the tree changed since it was built
 * (bin/argosy.js would otherwise start the sources through tsx); returns what bin/argosy.js says it
 * starts from.
 */
export function shippedStart(env: NodeJS.ProcessEnv): string {
  if (staleReason(ROOT) !== undefined)
    execFileSync(NODE, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build.ts', '--only', 'cli'], {
      cwd: ROOT,
      stdio: 'ignore',
    });
  const r = spawnSync(NODE, [BIN, 'version', '--short'], { cwd: ROOT, env: { ...env, ARGOSY_START_DEBUG: '1' } });
  return /starting from (.*)/.exec(String(r.stderr))?.[1] ?? `unknown: ${String(r.stderr).slice(0, 200)}`;
}

/**
 * Runs the fan-out, then the commands `repeats` times each; `logs` once, to the end when `logsToEnd`
 * (the CLI's client-side rate limit makes that minutes at 10,000 pods), else stopped at its first line.
 */
export async function runCliBench(b: BenchStack, pods: number, repeats: number, logsToEnd = true): Promise<CliFigures> {
  const t0 = performance.now();
  const r = await runToCompletion(b, [loggingFanOut(pods)], { timeoutMs: 600_000 });
  const runSeconds = round((performance.now() - t0) / 1000, 1);
  const name = r.names[0]!;
  const raw = await b.stack.mainClient.request<Workflow>({
    method: 'GET',
    path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
  });
  const wf = inflateWorkflow(raw);
  const home = mkdtempSync(join(tmpdir(), 'argosy-bench-cli-'));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, ARGOSY_HOME: join(home, '.argosy'), NO_COLOR: '1' };
  delete env.KUBECONFIG;
  const k = ['--kubeconfig', b.stack.kubeconfigPath, '-n', 'argo'];
  try {
    const startsFrom = shippedStart(env);
    // Once untimed: the first start of each command compiles and caches its code (V8's compile cache),
    // every later one reuses it; `--help` loads a command's modules without running it.
    await timeCli(['version'], env);
    for (const command of ['get', 'list', 'logs']) await timeCli([command, '--help'], env);
    const processStart = (await repeat(repeats, () => timeCli(['version'], env))).wall;
    const commands: CliFigures['commands'] = {};
    const cases: [string, string[]][] = [
      ['get', ['get', name]],
      ['get -o json', ['get', name, '-o', 'json']],
      ['list', ['list']],
      ['list -o wide', ['list', '-o', 'wide']],
      ['logs', ['logs', name]],
    ];
    for (const [label, args] of cases) {
      const logs = label === 'logs';
      const x = await repeat(logs ? 1 : repeats, () => timeCli([...args, ...k], env, logs && !logsToEnd));
      commands[label] = {
        wall: x.wall,
        ...(x.first ? { first: x.first } : {}),
        bytes: x.last.bytes,
        lines: x.last.lines,
        ...(logs && !logsToEnd ? { stopped: true } : {}),
      };
    }
    const render = renderFigures(wf, Math.max(11, repeats));
    const nodes = Object.keys(wf.status?.nodes ?? {}).length;
    return { pods, nodes, runSeconds, processStart, startsFrom, commands, render };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
