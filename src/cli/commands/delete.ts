/**
 * `argosy delete [NAME...] [filters]`: deletes workflows as `argo delete` does (names, `@latest`,
 * `--all`, `--completed`, `--older`, `--status`, `-l`, `--prefix`, `-A`; `--dry-run` only prints;
 * `--force` first removes the finalizer, so pods in other clusters are left behind).
 */
import { Command } from 'commander';
import { deleteWorkflow, patchWorkflow } from '../../adapters/kube/resources.ts';
import { isNotFound } from '../../adapters/kube/errors.ts';
import { contextOf } from '../lib/context.ts';
import { selectWorkflows } from '../lib/selection.ts';
import { withTarget } from '../lib/kube-target.ts';
import { withQueryFlags, type WorkflowQuery } from '../lib/workflow-query.ts';

interface DeleteOpts extends WorkflowQuery {
  all?: boolean;
  dryRun?: boolean;
  force?: boolean;
}

export function makeDeleteCommand(): Command {
  const cmd = new Command('delete')
    .alias('rm')
    .description('delete workflows')
    .argument('[name...]', 'workflow names, or @latest');
  withQueryFlags(cmd, [
    'allNamespaces',
    'completed',
    'older',
    'status',
    'selector',
    'fieldSelector',
    'prefix',
    'resubmitted',
    'queryChunkSize',
  ]);
  return cmd
    .option('--all', 'every workflow of the namespace')
    .option('--dry-run', 'only print what would be deleted')
    .option('--force', "remove the controller's finalizer first (pods it would delete stay)")
    .action(async (names: string[], opts: DeleteOpts, cmd: Command) => {
      const ctx = contextOf(cmd);
      await withTarget(ctx, async (target) => {
        const selected = await selectWorkflows(target, names, opts);
        if (selected.length === 0) return ctx.io.out('No resources found\n');
        for (const { name, namespace } of selected) {
          if (opts.dryRun) {
            ctx.io.out(`Workflow '${name}' deleted (dry-run)\n`);
            continue;
          }
          try {
            if (opts.force) await patchWorkflow(target.client, namespace, name, { metadata: { finalizers: null } });
            await deleteWorkflow(target.client, namespace, name);
            ctx.io.out(`Workflow '${name}' deleted\n`);
          } catch (e) {
            if (!isNotFound(e)) throw e;
            ctx.io.out(`Workflow '${name}' not found\n`);
          }
        }
      });
    });
}
