/** `argosy delete NAME...`: deletes workflows (their pods in every cluster go with them). */
import { Command } from 'commander';
import { deleteWorkflow } from '../../adapters/kube/resources.ts';
import { contextOf } from './context.ts';
import { onWorkflow, withTarget } from './target.ts';

export function makeDeleteCommand(): Command {
  return new Command('delete')
    .alias('rm')
    .description('delete workflows')
    .argument('<name...>', 'workflow names')
    .action(async (names: string[], _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      await withTarget(ctx, async (target) => {
        for (const name of names) {
          await onWorkflow(target, name, () => deleteWorkflow(target.client, target.namespace, name));
          ctx.io.out(`Workflow '${name}' deleted\n`);
        }
      });
    });
}
