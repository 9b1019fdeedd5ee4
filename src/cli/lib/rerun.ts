/**
 * What `argosy retry` and `argosy resubmit` share (Argo's cmd/argo/commands/retry.go and resubmit.go):
 * the flags, printing each workflow as `argo get` does, then `--wait`/`--watch`/`--log` when only one
 * workflow was acted on (Argo's WaitWatchOrLog); and, for retry, deleting the pods of the dropped nodes
 * in every place before the workflow is written.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { deletePod, getPod } from '../../adapters/kube/resources.ts';
import { isNotFound } from '../../adapters/kube/errors.ts';
import type { PodToDelete } from '../../engine/index.ts';
import type { Workflow } from '../../engine/types.ts';
import type { CliContext } from './context.ts';
import { failure } from './errors.ts';
import { exitCodeOf, followWorkflow, waitLine } from './follow.ts';
import { checkOutput, formatObject, printWorkflow } from './output.ts';
import type { Target } from './kube-target.ts';
import { withQueryFlags, type WorkflowQuery } from './workflow-query.ts';

export const RERUN_OUTPUTS = ['default', 'name', 'json', 'yaml', 'wide'] as const;

/** The flags retry and resubmit have in common. */
export interface RerunFlags extends WorkflowQuery {
  parameter: string[];
  output?: string;
  wait?: boolean;
  watch?: boolean;
  log?: boolean;
}

const collect = (v: string, acc: string[]): string[] => [...acc, v];

/** Adds Argo's common flags of retry and resubmit. */
export function withRerunFlags(cmd: Command, verb: string): Command {
  withQueryFlags(cmd, ['selector', 'fieldSelector']);
  return cmd
    .option('-p, --parameter <name=value>', 'input parameter to override on the original workflow spec', collect, [])
    .option(
      '-o, --output <format>',
      `${RERUN_OUTPUTS.filter((o) => o !== 'default').join('|')} (default: the get view)`,
    )
    .option('-w, --wait', `wait for the workflow to complete, only works when a single workflow is ${verb}`)
    .option('--watch', `watch the workflow until it completes, only works when a single workflow is ${verb}`)
    .option('--log', 'log the workflow until it completes');
}

/** Prints one workflow as Argo's printWorkflow does for `-o`. */
export function showRerun(ctx: CliContext, target: Target, wf: Workflow, flags: RerunFlags): void {
  const output = checkOutput(flags.output, RERUN_OUTPUTS, 'default');
  if (output === 'name') ctx.io.out(`${wf.metadata.name ?? ''}\n`);
  else if (output === 'json' || output === 'yaml') ctx.io.out(formatObject(wf, output));
  else printWorkflow(ctx, wf, { mainCluster: target.mainCluster, output: output === 'wide' ? 'wide' : 'default' });
}

/** Argo's WaitWatchOrLog for the one workflow acted on; sets the exit code as `argo wait` does. */
export async function waitWatchOrLog(ctx: CliContext, target: Target, wf: Workflow, flags: RerunFlags): Promise<void> {
  const name = wf.metadata.name ?? '';
  const scoped = { ...target, namespace: wf.metadata.namespace ?? target.namespace };
  if (flags.log) {
    const { followLogs } = await import('../commands/logs.ts');
    await followLogs(ctx, scoped, name);
  }
  if (flags.watch) {
    const { watchToEnd } = await import('../commands/submit.ts');
    process.exitCode = await watchToEnd(ctx, scoped, name);
    return;
  }
  if (!flags.wait) return;
  const done = await followWorkflow(target.client, scoped.namespace, name, { nodeStatus: target.nodeStatus });
  ctx.io.out(waitLine(done) + '\n');
  process.exitCode = exitCodeOf(done);
}

/** How long a deleted pod may take to be gone before the retry gives up (its grace period). */
const POD_GONE_TIMEOUT_MS = 120_000;

async function deleteOne(target: Target, pod: PodToDelete): Promise<void> {
  const where = `${pod.cluster}/${pod.namespace}`;
  try {
    const kube = await target.clientFor(pod.cluster, pod.namespace);
    await deletePod(kube, pod.namespace, pod.name).catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
    // A re-created node has the same pod name: the old pod must be gone, or the controller would see
    // it (Argo deletes and writes at once; its controller ignores a pod that is being deleted).
    for (const until = Date.now() + POD_GONE_TIMEOUT_MS; Date.now() < until; await sleep(250)) {
      try {
        await getPod(kube, pod.namespace, pod.name);
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
    }
    throw new Error(`still there after ${POD_GONE_TIMEOUT_MS / 1000}s`);
  } catch (e) {
    throw failure(
      `cannot delete pod ${pod.name} in ${where}: ${(e as Error).message}`,
      'nothing was retried; fix access to that cluster (argosy cluster check) and run the retry again',
      e,
    );
  }
}

/** Deletes the pods of the nodes a retry drops, wherever they are, and waits until they are gone. */
export async function deletePodsOfRetry(target: Target, pods: PodToDelete[]): Promise<void> {
  // An index, not shift(): shifting a long array is quadratic (runtime/apply.ts).
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let pod = pods[next++]; pod; pod = pods[next++]) await deleteOne(target, pod);
  };
  await Promise.all(Array.from({ length: Math.min(8, pods.length) }, worker));
}
