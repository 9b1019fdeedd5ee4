/** `argosy list [filters] [-o wide|name|json|yaml] [--no-headers]`: workflows as `argo list` shows them. */
import { Command } from 'commander';
import { hydrateWorkflow } from '../../adapters/kube/offloaded-nodes.ts';
import type { Workflow } from '../../engine/types.ts';
import type { NodeStatusStore } from '../../ports/node-status.ts';
import { printWorkflowList, sortWorkflows } from '../render/list.ts';
import { contextOf } from '../lib/context.ts';
import { checkOutput, formatObject } from '../lib/output.ts';
import { withTarget } from '../lib/kube-target.ts';
import { checkQuery, queryWorkflows, withQueryFlags, type WorkflowQuery } from '../lib/workflow-query.ts';

interface ListOpts extends WorkflowQuery {
  output?: string;
  headers?: boolean;
}

const OUTPUTS = ['default', 'wide', 'name', 'json', 'yaml'] as const;

/** The workflow with its nodes; offloaded ones that cannot be read stay as they are (P/R/C `?`). */
function withNodes(wf: Workflow, store: NodeStatusStore | undefined): Promise<Workflow> {
  return hydrateWorkflow(wf, store).catch(() => wf);
}

export function makeListCommand(): Command {
  const cmd = new Command('list').alias('ls').description('list workflows (like `argo list`)');
  withQueryFlags(cmd, [
    'allNamespaces',
    'running',
    'completed',
    'status',
    'since',
    'older',
    'selector',
    'fieldSelector',
    'resubmitted',
    'prefix',
    'chunkSize',
  ]);
  return cmd
    .option('--no-headers', 'no header row')
    .option('-o, --output <format>', 'wide, name, json or yaml')
    .action(async (opts: ListOpts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const output = checkOutput(opts.output, OUTPUTS, 'default');
      checkQuery(opts, new Date());
      await withTarget(ctx, async (target) => {
        const items = sortWorkflows(await queryWorkflows(target, opts));
        // argo PrintWorkflows: an empty list is `[]` for json/yaml.
        if (output === 'json' || output === 'yaml')
          return ctx.io.out(items.length === 0 ? '[]\n' : formatObject(items, output));
        const listOpts = { now: new Date(), allNamespaces: opts.allNamespaces, wide: output === 'wide' };
        // P/R/C counts pod nodes: large workflows keep them compressed or offloaded, so only -o wide reads them.
        const shown =
          output === 'wide' ? await Promise.all(items.map((wf) => withNodes(wf, target.nodeStatus))) : items;
        ctx.io.out(
          printWorkflowList(shown, { ...listOpts, noHeaders: opts.headers === false, names: output === 'name' }),
        );
      });
    });
}
