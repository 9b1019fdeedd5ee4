/**
 * `argosy logs NAME [NODE] [--follow]`: the `main` container logs of a workflow's pods, wherever
 * each ran (the place recorded in the node status, `clusterName`/`namespace`), each line prefixed with
 * the pod name like `argo logs`.
 */
import { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { podLogPath, readPodLog } from '../../adapters/kube/resources.ts';
import { isNotFound } from '../../adapters/kube/errors.ts';
import type { NodeStatus, Workflow } from '../../engine/types.ts';
import { podNameFor, podNameVersion, templateOfNode } from '../render/pod-name.ts';
import { placementOf } from '../render/workflow.ts';
import { contextOf, type CliContext } from './context.ts';
import { failure } from './errors.ts';
import { isCompleted } from './follow.ts';
import { fetchWorkflow, resolveName } from './get.ts';
import { withTarget, type Target } from './target.ts';

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

function prefixLines(pod: string, text: string): string {
  return text
    .split('\n')
    .filter((l, i, all) => l !== '' || i < all.length - 1)
    .map((l) => `${pod}: ${l}\n`)
    .join('');
}

async function printLogs(ctx: CliContext, target: Target, ref: PodRef): Promise<void> {
  const kube = await target.clientFor(ref.cluster, ref.namespace);
  try {
    const text = await readPodLog(kube, ref.namespace, ref.pod, { container: 'main' });
    ctx.io.out(prefixLines(ref.pod, text));
  } catch (e) {
    if (!isNotFound(e)) throw e;
    ctx.io.err(`${ref.pod}: pod not found in ${ref.cluster}/${ref.namespace} (garbage-collected?)\n`);
  }
}

async function streamLogs(ctx: CliContext, target: Target, ref: PodRef, signal: AbortSignal): Promise<void> {
  const kube = await target.clientFor(ref.cluster, ref.namespace);
  let partial = '';
  const path = podLogPath(ref.namespace, ref.pod);
  await kube.stream(
    { method: 'GET', path, query: { container: 'main', follow: true } },
    (chunk) => {
      const text = partial + chunk;
      const cut = text.lastIndexOf('\n');
      partial = cut < 0 ? text : text.slice(cut + 1);
      if (cut >= 0) ctx.io.out(prefixLines(ref.pod, text.slice(0, cut + 1)));
    },
    signal,
  );
  if (partial) ctx.io.out(prefixLines(ref.pod, partial));
}

async function follow(ctx: CliContext, target: Target, name: string, selector?: string): Promise<void> {
  const started = new Set<string>();
  const streams: Promise<void>[] = [];
  const abort = new AbortController();
  for (;;) {
    const wf = await fetchWorkflow(target, name);
    for (const ref of podRefs(wf, target.mainCluster, selector)) {
      if (started.has(ref.pod) || !ref.node.phase || ref.node.phase === 'Pending') continue;
      started.add(ref.pod);
      streams.push(
        streamLogs(ctx, target, ref, abort.signal).catch((e: unknown) => {
          if (!isNotFound(e)) ctx.io.err(`${ref.pod}: ${(e as Error).message}\n`);
        }),
      );
    }
    if (isCompleted(wf)) break;
    await sleep(1000);
  }
  await Promise.all(streams);
}

export function makeLogsCommand(): Command {
  return new Command('logs')
    .description("print a workflow's pod logs, from whichever cluster each pod ran in")
    .argument('<name>', 'workflow name, or @latest')
    .argument('[node]', 'only this node (ID, name, display name or pod name)')
    .option('-f, --follow', 'stream until the workflow completes')
    .action(async (name: string, node: string | undefined, opts: { follow?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      await withTarget(ctx, async (target) => {
        name = await resolveName(target, name);
        if (opts.follow) return await follow(ctx, target, name, node);
        const wf = await fetchWorkflow(target, name);
        const refs = podRefs(wf, target.mainCluster, node);
        if (node && refs.length === 0) throw failure(`workflow ${name} has no pod node "${node}"`);
        for (const ref of refs) await printLogs(ctx, target, ref);
      });
    });
}
