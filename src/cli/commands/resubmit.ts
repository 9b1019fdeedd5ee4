/**
 * `argosy resubmit [NAME...]` as `argo resubmit` (cmd/argo/commands/resubmit.go; the server's
 * ResubmitWorkflow): a new Workflow from the old one's spec (the engine's `formulateResubmit`), created
 * in the old one's namespace. `--memoized` starts it with the old nodes (succeeded pods Skipped
 * `original pod: …`), so only what failed runs again. `--priority` sets `spec.priority` of the new
 * workflow: Argo's CLI reads the flag but never sends it (resubmit.go), so it does nothing there.
 */
import { randomInt } from 'node:crypto';
import { Command } from 'commander';
import { workflowsPath } from '../../adapters/kube/resources.ts';
import { formulateResubmit, RerunError } from '../../engine/index.ts';
import type { Workflow } from '../../engine/types.ts';
import { contextOf } from '../lib/context.ts';
import { failure, usageError } from '../lib/errors.ts';
import { withTarget, type Target } from '../lib/kube-target.ts';
import { selectWorkflows } from '../lib/selection.ts';
import { showRerun, waitWatchOrLog, withRerunFlags, type RerunFlags } from '../lib/rerun.ts';
import { fetchWorkflow } from './get.ts';

interface ResubmitFlags extends RerunFlags {
  memoized?: boolean;
  priority?: string;
}

/** Argo's RandSuffix: five of `a-z0-9`. */
function randSuffix(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: 5 }, () => letters[randomInt(letters.length)]).join('');
}

function priorityOf(flags: ResubmitFlags): number | undefined {
  if (flags.priority === undefined) return undefined;
  const n = Number(flags.priority);
  if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647)
    throw usageError(`invalid argument "${flags.priority}" for "--priority" flag: not a 32-bit integer`);
  return n;
}

async function resubmitOne(target: Target, name: string, flags: ResubmitFlags): Promise<Workflow> {
  const wf = await fetchWorkflow(target, name);
  let next: Workflow;
  try {
    next = formulateResubmit(
      wf,
      { memoized: flags.memoized, parameters: flags.parameter, suffix: randSuffix() },
      new Date(),
    );
  } catch (e) {
    if (e instanceof RerunError) throw failure(e.message, `see the workflow with \`argosy get ${name}\``);
    throw e;
  }
  const priority = priorityOf(flags);
  if (priority !== undefined) next.spec = { ...next.spec, priority };
  const ns = wf.metadata.namespace ?? target.namespace;
  const body = { ...next, metadata: { ...next.metadata, namespace: undefined } };
  return target.client.request<Workflow>({ method: 'POST', path: workflowsPath(ns), body });
}

async function resubmit(names: string[], flags: ResubmitFlags, cmd: Command): Promise<void> {
  const ctx = contextOf(cmd);
  priorityOf(flags);
  await withTarget(ctx, async (target) => {
    const selected = await selectWorkflows(target, names, flags);
    let last: Workflow | undefined;
    for (const s of selected) {
      last = await resubmitOne({ ...target, namespace: s.namespace }, s.name, flags);
      showRerun(ctx, target, last, flags);
    }
    if (selected.length === 1 && last) await waitWatchOrLog(ctx, target, last, flags);
  });
}

export function makeResubmitCommand(): Command {
  const cmd = new Command('resubmit')
    .description('resubmit one or more workflows: a new workflow from the same spec')
    .argument('[name...]', 'workflow names, or @latest')
    .option('--memoized', 're-use successful steps & outputs from the previous run')
    .option('--priority <int>', 'workflow priority (spec.priority of the new workflow)');
  return withRerunFlags(cmd, 'resubmitted').action(resubmit);
}
