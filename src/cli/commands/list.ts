/** `argosy list [-A] [--running|--completed] [-o name]`: workflows as `argo list` shows them. */
import { Command } from 'commander';
import { listWorkflows } from '../../adapters/kube/resources.ts';
import type { Workflow } from '../../engine/types.ts';
import { renderList, sortWorkflows } from '../render/list.ts';
import { contextOf } from './context.ts';
import { usageError } from './errors.ts';
import { isCompleted } from './follow.ts';
import { checkOutput } from './output.ts';
import { withTarget } from './target.ts';

interface ListOpts {
  allNamespaces?: boolean;
  running?: boolean;
  completed?: boolean;
  output?: string;
}

export function makeListCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description('list workflows (like `argo list`)')
    .option('-A, --all-namespaces', 'workflows of every namespace')
    .option('--running', 'only workflows still running')
    .option('--completed', 'only completed workflows')
    .option('-o, --output <format>', 'default or name')
    .action(async (opts: ListOpts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const output = checkOutput(opts.output, ['default', 'name'] as const, 'default');
      if (opts.running && opts.completed) throw usageError('--running and --completed exclude each other');
      await withTarget(ctx, async (target) => {
        const list = opts.allNamespaces
          ? await target.client.request<{ items: Workflow[] }>({
              method: 'GET',
              path: '/apis/argoproj.io/v1alpha1/workflows',
            })
          : await listWorkflows<Workflow>(target.client, target.namespace);
        const items = (list.items ?? []).filter((wf) =>
          opts.running ? !isCompleted(wf) : opts.completed ? isCompleted(wf) : true,
        );
        if (output === 'name') {
          for (const wf of sortWorkflows(items)) ctx.io.out(`${wf.metadata.name}\n`);
          return;
        }
        const lines = renderList(items, { now: new Date(), allNamespaces: opts.allNamespaces });
        ctx.io.out(lines.join('\n') + '\n');
      });
    });
}
