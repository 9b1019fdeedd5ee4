/**
 * `argosy retry [NAME...]` as `argo retry` (cmd/argo/commands/retry.go; the server's RetryWorkflow in
 * server/workflow/workflow_server.go): the same Workflow object runs again from its failed steps. The
 * engine's `formulateRetry` decides which nodes run again; the CLI then deletes the pods of the dropped
 * nodes in the cluster and namespace each node recorded (waiting until they are gone), and writes the
 * workflow back with the resourceVersion it read (a concurrent change: read again, up to 3 times).
 * The controller sees the completed label go and starts the workflow again; every pod it re-creates
 * goes to the node's recorded place and passes the placement check again. docs/adr/0022-retry-in-the-cli.md.
 */
import { Command } from 'commander';
import { isConflict } from '../../adapters/kube/errors.ts';
import { discoverStatusSubresource, replaceWorkflow } from '../../adapters/kube/resources.ts';
import { writeWorkflow } from '../../runtime/write-workflow.ts';
import { formulateRetry, RerunError } from '../../engine/index.ts';
import { nodeSelectorMatcher } from '../../engine/suspend/resume.ts';
import type { Workflow } from '../../engine/types.ts';
import { contextOf } from '../lib/context.ts';
import { failure, usageError } from '../lib/errors.ts';
import { withTarget, type Target } from '../lib/kube-target.ts';
import { selectWorkflows, hasFilter } from '../lib/selection.ts';
import { deletePodsOfRetry, showRerun, waitWatchOrLog, withRerunFlags, type RerunFlags } from '../lib/rerun.ts';
import { fetchWorkflow } from './get.ts';

interface RetryFlags extends RerunFlags {
  restartSuccessful?: boolean;
  nodeFieldSelector?: string;
}

const ATTEMPTS = 3;

/** Writes the retried workflow: one PUT on Argo's CRD; status first, then spec and labels, with a status subresource. */
async function write(target: Target, read: Workflow, next: Workflow, sub: boolean): Promise<Workflow> {
  const storage = { nodeStatus: target.nodeStatus };
  const status = next.status ?? {};
  if (!sub) {
    // Given with the status as read: the write compares against it.
    const whole = { ...next, metadata: { ...next.metadata, resourceVersion: read.metadata.resourceVersion } };
    whole.status = read.status;
    return (await writeWorkflow(target.client, whole, status, undefined, false, storage)).workflow;
  }
  // The completed label goes last, so the controller never starts from the old status.
  const written = (await writeWorkflow(target.client, read, status, undefined, true, storage)).workflow;
  const meta = { ...next.metadata, resourceVersion: written.metadata.resourceVersion };
  await replaceWorkflow(target.client, { ...written, metadata: meta, spec: next.spec });
  return { ...written, metadata: meta, spec: next.spec };
}

async function retryOnce(target: Target, name: string, flags: RetryFlags, sub: boolean): Promise<Workflow> {
  const wf = await fetchWorkflow(target, name);
  let plan;
  try {
    plan = formulateRetry(
      wf,
      {
        restartSuccessful: flags.restartSuccessful,
        nodeFieldSelector: flags.nodeFieldSelector,
        parameters: flags.parameter,
        mainCluster: target.mainCluster,
      },
      new Date(),
    );
  } catch (e) {
    if (e instanceof RerunError) throw failure(e.message, `see the workflow with \`argosy get ${name}\``);
    throw e;
  }
  await deletePodsOfRetry(target, plan.podsToDelete);
  return write(target, wf, plan.workflow, sub);
}

/** Retries one workflow, reading it again when it changed meanwhile. */
export async function retryNamed(target: Target, name: string, flags: RetryFlags, sub: boolean): Promise<Workflow> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await retryOnce(target, name, flags, sub);
    } catch (e) {
      if (!isConflict(e) || attempt >= ATTEMPTS) throw e;
    }
  }
}

async function retry(names: string[], flags: RetryFlags, cmd: Command): Promise<void> {
  const ctx = contextOf(cmd);
  if (names.length === 0 && !hasFilter(flags)) throw usageError('requires either node field selector or workflow');
  if (flags.nodeFieldSelector) {
    try {
      nodeSelectorMatcher(flags.nodeFieldSelector);
    } catch (e) {
      throw usageError(`unable to parse node field selector '${flags.nodeFieldSelector}': ${(e as Error).message}`);
    }
  }
  await withTarget(ctx, async (target) => {
    const sub = await discoverStatusSubresource(target.client);
    const selected = await selectWorkflows(target, names, flags);
    let last: Workflow | undefined;
    for (const s of selected) {
      last = await retryNamed({ ...target, namespace: s.namespace }, s.name, flags, sub);
      showRerun(ctx, target, last, flags);
    }
    if (selected.length === 1 && last) await waitWatchOrLog(ctx, target, last, flags);
  });
}

export function makeRetryCommand(): Command {
  const cmd = new Command('retry')
    .description('retry zero or more workflows: rerun their failed steps (the same Workflow object)')
    .argument('[name...]', 'workflow names, or @latest')
    .option('--restart-successful', 'indicates to restart successful nodes matching the --node-field-selector')
    .option(
      '--node-field-selector <selector>',
      'selector of nodes to reset, eg: --node-field-selector inputs.parameters.myparam.value=abc',
    );
  return withRerunFlags(cmd, 'retried').action(retry);
}
