/** `argosy get NAME [-o json|yaml|wide|short|name]`: one workflow, as `argo get` shows it. */
import { Command } from 'commander';
import { getWorkflow, listWorkflows } from '../../adapters/kube/resources.ts';
import { readHydrated } from '../../adapters/kube/offloaded-nodes.ts';
import type { Workflow } from '../../engine/types.ts';
import { contextOf } from '../lib/context.ts';
import { failure } from '../lib/errors.ts';
import { checkOutput, printObject, printWorkflow } from '../lib/output.ts';
import { nodeFilterFlag, nodeSelectorOf } from '../lib/node-selector.ts';
import { onWorkflow, withTarget, type Target } from '../lib/kube-target.ts';

interface GetOpts {
  output?: string;
  nodeFieldSelector?: string;
  status?: string;
}

const OUTPUTS = ['default', 'wide', 'short', 'json', 'yaml', 'name'] as const;

/** `@latest` (as in argo) = the most recently created workflow of the namespace. */
export async function resolveName(target: Target, name: string): Promise<string> {
  if (name !== '@latest') return name;
  const list = await listWorkflows<Workflow>(target.client, target.namespace);
  const latest = [...list.items].sort((a, b) =>
    (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
  )[0];
  if (!latest?.metadata.name) throw failure(`no workflows in namespace "${target.namespace}"`);
  return latest.metadata.name;
}

/**
 * Reads a workflow (`@latest` allowed) or fails with exit 1 and a hint. Nodes stored compressed
 * (`status.compressedNodes`) or offloaded (`status.offloadNodeStatusVersion`) are read back, as
 * Argo's server hydrates workflows for its CLI.
 */
export async function fetchWorkflow(target: Target, name: string): Promise<Workflow> {
  const resolved = await resolveName(target, name);
  return onWorkflow(target, resolved, async () =>
    readHydrated(() => getWorkflow<Workflow>(target.client, target.namespace, resolved), target.nodeStatus),
  );
}

export function makeGetCommand(): Command {
  return new Command('get')
    .description('show a workflow: status, then its steps as a tree (like `argo get`)')
    .argument('<name>', 'workflow name, or @latest')
    .option('-o, --output <format>', `one of ${OUTPUTS.join('|')}`)
    .option('--node-field-selector <sel>', 'only nodes matching, e.g. phase=Failed or displayName=a')
    .option('--status <phase>', 'only nodes in this phase (= --node-field-selector phase=PHASE)')
    .action(async (name: string, opts: GetOpts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const output = checkOutput(opts.output, OUTPUTS, 'default');
      const nodeFilter = nodeSelectorOf(nodeFilterFlag(opts));
      await withTarget(ctx, async (target) => {
        const wf = await fetchWorkflow(target, name);
        if (output === 'json' || output === 'yaml') await printObject(ctx.io, wf, output);
        else if (output === 'name') ctx.io.out(`${wf.metadata.name}\n`);
        else printWorkflow(ctx, wf, { output, mainCluster: target.mainCluster, nodeFilter });
      });
    });
}
