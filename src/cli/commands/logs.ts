/**
 * `argosy logs NAME [NODE] [--follow]`: the `main` container logs of a workflow's pods, wherever
 * each ran (the place recorded in the node status, `clusterName`/`namespace`), each line prefixed with
 * the pod name like `argo logs`.
 */
import { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { listPods, podLogPath, readPodLog } from '../../adapters/kube/resources.ts';
import { LABEL_WORKFLOW } from '../../engine/labels.ts';
import { isKubeApiError, isNotFound } from '../../adapters/kube/errors.ts';
import type { NodeStatus, Workflow } from '../../engine/types.ts';
import { podNameFor, podNameVersion, templateOfNode } from '../render/pod-name.ts';
import { placementOf } from '../render/workflow.ts';
import { contextOf, type CliContext } from '../lib/context.ts';
import { failure } from '../lib/errors.ts';
import { isCompleted } from '../lib/follow.ts';
import { fetchWorkflow, resolveName } from './get.ts';
import { withTarget, type Target } from '../lib/kube-target.ts';
import { formatLogLines, logRequest, type LogFlags, type LogRequest } from './log-flags.ts';
import { mergePodLogs } from './log-merge.ts';

/** A workflow pod and where it lives. */
export interface PodRef {
  node: NodeStatus;
  pod: string;
  cluster: string;
  namespace: string;
}

/** The workflow's pod nodes (optionally only those matching NODE), oldest first. */
export function podRefs(wf: Workflow, mainCluster: string, selector?: string): PodRef[] {
  const name = wf.metadata.name ?? '';
  const version = podNameVersion(wf);
  return Object.values(wf.status?.nodes ?? {})
    .filter((n) => n.type === 'Pod')
    .map((node) => {
      const where = placementOf(wf, node, mainCluster);
      const [cluster, namespace] = where ? where.split('/') : [mainCluster, wf.metadata.namespace ?? ''];
      return {
        node,
        pod: podNameFor(name, node, templateOfNode(node), version),
        cluster: cluster!,
        namespace: namespace!,
      };
    })
    .filter((r) => !selector || [r.node.id, r.node.name, r.node.displayName, r.pod].includes(selector))
    .sort((a, b) => (a.node.startedAt ?? '').localeCompare(b.node.startedAt ?? ''));
}

/**
 * `-l`: only the pods that also match a label selector, asked of each place's API server as argo's
 * server does (`workflows.argoproj.io/workflow=<name>,<selector>`).
 */
export async function withLabels(target: Target, wfName: string, refs: PodRef[], selector?: string): Promise<PodRef[]> {
  if (!selector) return refs;
  const matching = new Set<string>();
  const places = new Map(refs.map((r) => [`${r.cluster}/${r.namespace}`, r]));
  for (const ref of places.values()) {
    const kube = await target.clientFor(ref.cluster, ref.namespace);
    const list = await listPods<{ metadata: { name?: string } }>(kube, ref.namespace, {
      labelSelector: `${LABEL_WORKFLOW}=${wfName},${selector}`,
    });
    for (const pod of list.items) matching.add(`${ref.cluster}/${ref.namespace}/${pod.metadata.name ?? ''}`);
  }
  return refs.filter((r) => matching.has(`${r.cluster}/${r.namespace}/${r.pod}`));
}

/**
 * Pod logs read at once (`argosy logs` without `-f`): the bound these reads put on each API server,
 * in place of the client's QPS token bucket (ADR 0028). argo reads every pod at once, each read
 * waiting on client-go's rate limiter.
 */
export const LOG_PARALLEL = 32;

/** 429 answers (API Priority and Fairness) waited out per read, as client-go retries them (maxRetries 10). */
export const LOG_RETRIES_ON_429 = 10;

function startMsOf(ref: PodRef): number {
  const t = Date.parse(ref.node.startedAt ?? '');
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/**
 * One pod's log with the server's timestamps (the merge orders by them), or undefined when gone.
 * Not through the token bucket (the caller bounds reads in flight); a 429 is waited out for its
 * Retry-After (1 s without one) and tried again, as client-go does.
 */
export async function readLog(
  ctx: CliContext,
  target: Target,
  ref: PodRef,
  req: LogRequest,
  sleepMs: (ms: number) => Promise<unknown> = sleep,
): Promise<string | undefined> {
  const kube = await target.clientFor(ref.cluster, ref.namespace);
  for (let attempt = 0; ; attempt++) {
    try {
      return await readPodLog(kube, ref.namespace, ref.pod, { ...req.query, timestamps: true }, false);
    } catch (e) {
      if (isKubeApiError(e) && e.statusCode === 429 && attempt < LOG_RETRIES_ON_429) {
        await sleepMs(Math.max(1, e.retryAfterSeconds ?? 1) * 1000);
        continue;
      }
      if (!isNotFound(e)) throw e;
      ctx.io.err(`${ref.pod}: pod not found in ${ref.cluster}/${ref.namespace} (garbage-collected?)\n`);
      return undefined;
    }
  }
}

/** Every pod's log, {@link LOG_PARALLEL} requests at a time, lines in time order across pods. */
export async function printLogs(ctx: CliContext, target: Target, refs: PodRef[], req: LogRequest): Promise<void> {
  const ordered = refs.map((ref) => ({ ref, startMs: startMsOf(ref) })).sort((a, b) => a.startMs - b.startMs);
  const sources = ordered.map(({ ref, startMs }) => ({ startMs, read: () => readLog(ctx, target, ref, req) }));
  await mergePodLogs(sources, LOG_PARALLEL, Boolean(req.query.timestamps), (lines) =>
    ctx.io.out(lines.map((l) => formatLogLines(ordered[l.pod]!.ref.pod, `${l.text}\n`, req)).join('')),
  );
}

async function streamLogs(
  ctx: CliContext,
  target: Target,
  ref: PodRef,
  req: LogRequest,
  signal: AbortSignal,
): Promise<void> {
  const kube = await target.clientFor(ref.cluster, ref.namespace);
  let partial = '';
  const path = podLogPath(ref.namespace, ref.pod);
  await kube.stream(
    { method: 'GET', path, query: { ...req.query, follow: true } },
    (chunk) => {
      const text = partial + chunk;
      const cut = text.lastIndexOf('\n');
      partial = cut < 0 ? text : text.slice(cut + 1);
      if (cut >= 0) ctx.io.out(formatLogLines(ref.pod, text.slice(0, cut + 1), req));
    },
    signal,
  );
  if (partial) ctx.io.out(formatLogLines(ref.pod, partial, req));
}

/** Streams every pod's log until the workflow completes (`logs -f`, `submit --log`). */
export async function followLogs(
  ctx: CliContext,
  target: Target,
  name: string,
  selector?: string,
  req: LogRequest = logRequest({ container: 'main' }, ctx.style.color),
  labels?: string,
): Promise<void> {
  const started = new Set<string>();
  const streams: Promise<void>[] = [];
  const abort = new AbortController();
  for (;;) {
    const wf = await fetchWorkflow(target, name);
    for (const ref of await withLabels(target, name, podRefs(wf, target.mainCluster, selector), labels)) {
      if (started.has(ref.pod) || !ref.node.phase || ref.node.phase === 'Pending') continue;
      started.add(ref.pod);
      streams.push(
        streamLogs(ctx, target, ref, req, abort.signal).catch((e: unknown) => {
          if (!isNotFound(e)) ctx.io.err(`${ref.pod}: ${(e as Error).message}\n`);
        }),
      );
    }
    if (isCompleted(wf)) break;
    await sleep(1000);
  }
  await Promise.all(streams);
}

interface LogsOpts extends LogFlags {
  follow?: boolean;
  selector?: string;
}

export function makeLogsCommand(): Command {
  return new Command('logs')
    .description("print a workflow's pod logs, from whichever cluster each pod ran in")
    .argument('<name>', 'workflow name, or @latest')
    .argument('[node]', 'only this node (ID, name, display name or pod name)')
    .option('-f, --follow', 'stream until the workflow completes')
    .option('-c, --container <name>', 'the container to read', 'main')
    .option('--since <duration>', 'only lines newer than this (5s, 2m, 3h)')
    .option('--since-time <RFC3339>', 'only lines after this time')
    .option('--tail <n>', 'only the last n lines of each pod')
    .option('--grep <regexp>', 'only lines matching')
    .option('--timestamps', 'prefix each line with its time')
    .option('-p, --previous', "the previous (restarted) container's log")
    .option('-l, --selector <query>', 'only pods whose labels match, e.g. -l app=sth')
    .action(async (name: string, node: string | undefined, opts: LogsOpts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const req = logRequest(opts, ctx.style.color);
      await withTarget(ctx, async (target) => {
        name = await resolveName(target, name);
        if (opts.follow) return await followLogs(ctx, target, name, node, req, opts.selector);
        const wf = await fetchWorkflow(target, name);
        const refs = await withLabels(target, name, podRefs(wf, target.mainCluster, node), opts.selector);
        if (node && refs.length === 0) throw failure(`workflow ${name} has no pod node "${node}"`);
        await printLogs(ctx, target, refs, req);
      });
    });
}
