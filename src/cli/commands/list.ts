/** `argosy list [filters] [-o wide|name|json|yaml] [--no-headers]`: workflows as `argo list` shows them. */
import { Command } from 'commander';
import { printWorkflowList, sortWorkflows } from '../render/list.ts';
import { contextOf } from './context.ts';
import { checkOutput, formatObject } from './output.ts';
import { withTarget } from './kube-target.ts';
import { checkQuery, queryWorkflows, withQueryFlags, type WorkflowQuery } from './workflow-query.ts';

interface ListOpts extends WorkflowQuery {
  output?: string;
  headers?: boolean;
}

const OUTPUTS = ['default', 'wide', 'name', 'json', 'yaml'] as const;

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
        ctx.io.out(
          printWorkflowList(items, { ...listOpts, noHeaders: opts.headers === false, names: output === 'name' }),
        );
      });
    });
}
