/** `argosy watch NAME`: the live `get` view until the workflow completes, as `argo watch`. */
import { Command } from 'commander';
import { contextOf } from '../lib/context.ts';
import { resolveName } from './get.ts';
import { nodeFilterFlag, nodeSelectorOf } from '../lib/node-selector.ts';
import { watchToEnd } from './submit.ts';
import { withTarget } from '../lib/kube-target.ts';

export function makeWatchCommand(): Command {
  return new Command('watch')
    .description('watch a workflow until it completes (the `get` view, redrawn)')
    .argument('<name>', 'workflow name, or @latest')
    .option('--node-field-selector <sel>', 'only nodes matching, e.g. phase=Failed')
    .option('--status <phase>', 'only nodes in this phase')
    .action(async (name: string, opts: { status?: string; nodeFieldSelector?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const filter = nodeFilterFlag(opts);
      nodeSelectorOf(filter);
      await withTarget(ctx, async (target) => {
        process.exitCode = await watchToEnd(ctx, target, await resolveName(target, name), undefined, filter);
      });
    });
}
