/**
 * A tiny simulated kubelet and reconcile loop for engine tests: applies a Decision the way the runtime
 * would (status, metadata, pods), then moves each pod Pending → Running → Succeeded/Failed with the exit
 * code and stdout its command would produce (argosay, `sh -c`, `echo`, scripts faked sensibly), and
 * answers HTTP tasks through a given agent function.
 */
import { decide, needsResult, SCRIPT_ENV } from '../../../src/engine/index.ts';
import type {
  Decision,
  KubePod,
  ObservedPod,
  ObservedTaskSet,
  Snapshot,
  ControllerSettings,
  ObservedConfigMap,
  PlacementCheck,
  WorkflowTaskSet,
} from '../../../src/engine/contract.ts';
import type { Template, Workflow } from '../../../src/engine/types.ts';

/** What a pod's main container does. */
export interface Outcome {
  exitCode: number;
  stdout: string;
  /** Runs longer than any test: the kubelet kills it if the pod has activeDeadlineSeconds. */
  forever?: boolean;
  /** Files the command wrote (path → content), read back by the output-parameters wrapper. */
  files?: Record<string, string>;
}

/** Guesses the outcome of a main container from its command, args and script source. */
export function simulateContainer(pod: KubePod): Outcome {
  const c = pod.spec.containers[0];
  if (!c) return { exitCode: 0, stdout: '' };
  const script = c.env?.find((e) => e.name === SCRIPT_ENV)?.value;
  if (script !== undefined) return simulateScript(script);
  const argv = [...(c.command ?? []), ...(c.args ?? [])];
  if (isOutputsWrapper(argv))
    return simulateContainer({
      ...pod,
      spec: { ...pod.spec, containers: [{ ...c, command: argv.slice(3), args: [] }] },
    });
  if (argv[0] === 'sh' || argv[0] === 'bash') {
    const i = argv.indexOf('-c');
    return simulateShell(argv.slice(i + 1).join(' '));
  }
  if (argv[0] === 'echo') return { exitCode: 0, stdout: `${argv.slice(1).join(' ')}\n` };
  if (argv[0] === 'cowsay') return { exitCode: 0, stdout: `${argv.slice(1).join(' ')}\n` };
  if (c.command === undefined && String(c.image ?? '').startsWith('argoproj/argosay'))
    return simulateArgosay(c.args ?? []);
  if (argv[0] === '/argosay') return simulateArgosay(argv.slice(1));
  return { exitCode: 0, stdout: '' };
}

function simulateArgosay(args: string[]): Outcome {
  const [cmd, ...rest] = args;
  if (cmd === undefined) return { exitCode: 0, stdout: 'hello argo\n' };
  if (cmd === 'echo' && rest.length === 2)
    return { exitCode: 0, stdout: '', files: { [rest[1] as string]: rest[0] as string } };
  if (cmd === 'echo')
    return rest.length === 0
      ? { exitCode: 0, stdout: 'hello argo\n' }
      : rest.length === 1
        ? { exitCode: 0, stdout: `${rest[0]}\n` }
        : { exitCode: 0, stdout: '' };
  if (cmd === 'exit') return { exitCode: Number(rest[0] ?? 0), stdout: '' };
  if (cmd === 'sleep' || cmd === 'cat' || cmd === 'assert_contains' || cmd === 'sh') return { exitCode: 0, stdout: '' };
  return { exitCode: 1, stdout: '' };
}

/** The main container runs under the output-parameters wrapper (`sh -c <wrapper> <command...>`). */
function isOutputsWrapper(argv: string[]): boolean {
  return argv[0] === 'sh' && argv[1] === '-c' && (argv[2] ?? '').includes("> '/dev/termination-log'");
}

/**
 * The termination message the wrapper writes: the declared files (its `o 'name' 'path'` lines) the
 * command wrote (argosay `echo TEXT FILE`), the others missing.
 */
function outputsMessage(pod: KubePod, o: Outcome): string | undefined {
  const argv = pod.spec.containers[0]?.command ?? [];
  // Only commands the simulation knows to write files report them (others keep no message).
  if (!isOutputsWrapper(argv) || o.files === undefined) return undefined;
  const parameters: Record<string, string> = {};
  const missing: string[] = [];
  for (const m of (argv[2] as string).matchAll(/^o '([^']*)' '([^']*)'$/gm)) {
    const value = o.files?.[m[2] as string];
    if (value === undefined) missing.push(m[1] as string);
    else parameters[m[1] as string] = value;
  }
  return JSON.stringify({ argosy: missing.length > 0 ? { parameters, missing } : { parameters } });
}

function simulateShell(script: string): Outcome {
  let stdout = '';
  for (const part of script.split(/;|&&|\n/)) {
    const s = part.trim();
    const exit = /^exit\s+(\d+)/.exec(s);
    if (exit) return { exitCode: Number(exit[1]), stdout };
    if (/^sleep\s+\d+[dh]$/.test(s)) return { exitCode: 0, stdout, forever: true };
    if (s.startsWith('echo ')) stdout += `${s.slice(5).replace(/^["']|["']$/g, '')}\n`;
  }
  return { exitCode: 0, stdout };
}

function simulateScript(source: string): Outcome {
  if (source.includes('random.randint')) return { exitCode: 0, stdout: 'heads\n' };
  if (source.includes('urandom')) return { exitCode: 0, stdout: '42\n' };
  return simulateShell(source);
}

/** Options of a simulated run. */
export interface RunOptions {
  controller?: ControllerSettings;
  start?: Date;
  maxRounds?: number;
  checkPlacement?: PlacementCheck;
  outcome?: (pod: KubePod) => Outcome;
  /** (Cluster)WorkflowTemplates as the runtime loads them (`<ns>/<name>`, `cluster/<name>`). */
  workflowTemplates?: Record<string, Workflow>;
  /** The HTTP agent: answers each task of a task set (absent: tasks stay unanswered). */
  agent?: (task: Template) => AgentResult;
  /** ConfigMaps as the runtime reads them (`<ns>/<name>`); memoization cache writes are applied to it. */
  configMaps?: Record<string, ObservedConfigMap>;
}

/** What an agent reports for one task (a task set's `status.nodes[id]`). */
export type AgentResult = NonNullable<NonNullable<WorkflowTaskSet['status']>['nodes']>[string];

/** Applies the decision's task-set writes (create or merge tasks in, remove finished ones). */
export function applyTaskSetActions(sets: ObservedTaskSet[], d: Decision): ObservedTaskSet[] {
  const out = [...sets];
  for (const a of d.actions) {
    if (a.kind !== 'ApplyTaskSet') continue;
    let i = out.findIndex((t) => t.cluster === a.cluster && t.namespace === a.namespace);
    if (i < 0) i = out.push({ cluster: a.cluster, namespace: a.namespace, taskSet: { ...a.taskSet, status: {} } }) - 1;
    const cur = out[i] as ObservedTaskSet;
    const tasks = { ...(cur.taskSet.spec?.tasks ?? {}), ...(a.taskSet.spec?.tasks ?? {}) };
    const nodes = { ...(cur.taskSet.status?.nodes ?? {}) };
    for (const id of a.remove) {
      delete tasks[id];
      delete nodes[id];
    }
    out[i] = { ...cur, taskSet: { ...cur.taskSet, spec: { tasks }, status: { nodes } } };
  }
  return out;
}

/** The agent answers every task it has not answered yet. */
function runAgents(sets: ObservedTaskSet[], agent: RunOptions['agent']): ObservedTaskSet[] {
  if (!agent) return sets;
  return sets.map((t) => {
    const nodes = { ...(t.taskSet.status?.nodes ?? {}) };
    for (const [id, task] of Object.entries(t.taskSet.spec?.tasks ?? {})) nodes[id] ??= agent(task as Template);
    return { ...t, taskSet: { ...t.taskSet, status: { nodes } } };
  });
}

/** The end state of a simulated run. */
export interface RunResult {
  workflow: Workflow;
  decisions: Decision[];
  pods: ObservedPod[];
  rounds: number;
}

/** Applies a decision's pod actions like the runtime does (new pods start Pending). */
export function applyPodActions(pods: ObservedPod[], d: Decision): ObservedPod[] {
  let out = pods;
  for (const a of d.actions) {
    if (a.kind === 'CreatePod') {
      if (out.some((p) => p.pod.metadata.name === a.pod.metadata.name && p.cluster === a.cluster)) continue;
      out = [...out, { cluster: a.cluster, namespace: a.namespace, pod: { ...a.pod, status: { phase: 'Pending' } } }];
    } else if (a.kind === 'LabelPodCompleted') {
      out = out.map((p) =>
        p.cluster === a.cluster && p.namespace === a.namespace && p.pod.metadata.name === a.name
          ? {
              ...p,
              pod: {
                ...p.pod,
                metadata: {
                  ...p.pod.metadata,
                  labels: { ...p.pod.metadata.labels, 'workflows.argoproj.io/completed': 'true' },
                },
              },
            }
          : p,
      );
    } else if (a.kind === 'DeletePod') {
      out = out.filter(
        (p) => !(p.cluster === a.cluster && p.namespace === a.namespace && p.pod.metadata.name === a.name),
      );
    }
  }
  return out;
}

/** Applies a decision's memoization cache writes like the runtime does (creating labelled caches). */
export function saveMemoEntries(configMaps: Record<string, ObservedConfigMap>, d: Decision): void {
  for (const a of d.actions) {
    if (a.kind !== 'SaveMemoEntry') continue;
    const cm = (configMaps[`${a.namespace}/${a.configMap}`] ??= {
      labels: { 'workflows.argoproj.io/configmap-type': 'Cache' },
      data: {},
    });
    cm.data = { ...cm.data, [a.key]: a.entry };
  }
}

/** Applies a decision to the workflow object like the runtime does. */
export function applyDecision(wf: Workflow, d: Decision): Workflow {
  const finalizers = [...(wf.metadata.finalizers ?? [])];
  for (const f of d.metadata.finalizers) if (!finalizers.includes(f)) finalizers.push(f);
  const metadata = {
    ...wf.metadata,
    labels: { ...(wf.metadata.labels ?? {}), ...d.metadata.labels },
    annotations: { ...(wf.metadata.annotations ?? {}), ...d.metadata.annotations },
  };
  if (finalizers.length > 0) Object.assign(metadata, { finalizers });
  return { ...wf, metadata, status: d.status };
}

function stamp(t: Date): string {
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Advances one pod by one lifecycle stage. */
export function advancePod(
  p: ObservedPod,
  now: Date,
  outcome: (pod: KubePod) => Outcome,
  wantLog: boolean,
): ObservedPod {
  const phase = p.pod.status?.phase;
  if (phase === 'Pending') {
    return {
      ...p,
      pod: {
        ...p.pod,
        spec: { ...p.pod.spec, nodeName: 'node-1' },
        status: {
          phase: 'Running',
          containerStatuses: [{ name: 'main', state: { running: { startedAt: stamp(now) } } }],
        },
      },
    };
  }
  if (phase === 'Running') {
    const o = outcome(p.pod);
    if (o.forever) {
      if (p.pod.spec.activeDeadlineSeconds === undefined) return p;
      // What the kubelet does when activeDeadlineSeconds passes.
      const status = {
        phase: 'Failed' as const,
        reason: 'DeadlineExceeded',
        message: 'Pod was active on the node longer than the specified deadline',
        containerStatuses: [
          { name: 'main', state: { terminated: { exitCode: 143, reason: 'Error', finishedAt: stamp(now) } } },
        ],
      };
      return { ...p, pod: { ...p.pod, status } };
    }
    const message = outputsMessage(p.pod, o);
    const terminated = {
      exitCode: o.exitCode,
      reason: o.exitCode === 0 ? 'Completed' : 'Error',
      finishedAt: stamp(now),
      ...(message !== undefined ? { message } : {}),
    };
    const next: ObservedPod = {
      ...p,
      pod: {
        ...p.pod,
        status: {
          phase: o.exitCode === 0 ? 'Succeeded' : 'Failed',
          containerStatuses: [{ name: 'main', state: { terminated } }],
        },
      },
    };
    if (wantLog) next.mainLog = o.stdout;
    return next;
  }
  return p;
}

/** Runs decide + kubelet until the workflow completes (or maxRounds). */
export function runWorkflow(input: Workflow, opts: RunOptions = {}): RunResult {
  const controller = opts.controller ?? { clusterName: 'main' };
  let now = opts.start ?? new Date('2026-01-02T15:04:05Z');
  let wf = input;
  let pods: ObservedPod[] = [];
  let taskSets: ObservedTaskSet[] = [];
  const decisions: Decision[] = [];
  const max = opts.maxRounds ?? 200;
  let rounds = 0;
  for (; rounds < max; rounds++) {
    const snapshot: Snapshot = { workflow: wf, pods, controller };
    if (opts.checkPlacement) snapshot.checkPlacement = opts.checkPlacement;
    if (opts.workflowTemplates) snapshot.workflowTemplates = opts.workflowTemplates;
    if (taskSets.length > 0) snapshot.taskSets = taskSets;
    if (opts.configMaps) snapshot.configMaps = opts.configMaps;
    const d = decide(snapshot, now);
    decisions.push(d);
    if (opts.configMaps) saveMemoEntries(opts.configMaps, d);
    wf = applyDecision(wf, d);
    pods = applyPodActions(pods, d);
    taskSets = runAgents(applyTaskSetActions(taskSets, d), opts.agent);
    if (wf.metadata.labels?.['workflows.argoproj.io/completed'] === 'true') break;
    now = new Date(now.getTime() + 1000);
    pods = pods.map((p) => {
      // An agent pod runs until its task set goes (the workflow's end).
      if (p.pod.metadata.labels?.['workflows.argoproj.io/component'] === 'agent')
        return { ...p, pod: { ...p.pod, status: { phase: 'Running' } } };
      const id = p.pod.metadata.annotations?.['workflows.argoproj.io/node-id'] ?? '';
      return advancePod(p, now, opts.outcome ?? simulateContainer, needsResult(wf, id, opts.workflowTemplates));
    });
  }
  return { workflow: wf, decisions, pods, rounds };
}
