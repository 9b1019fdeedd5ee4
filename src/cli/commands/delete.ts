/** `argosy delete NAME...`: deletes workflows (their pods in every cluster go with them). */
import { Command } from 'commander';
import { deleteWorkflow } from '../../adapters/kube/resources.ts';
import { isNotFound } from '../../adapters/kube/errors.ts';
import { contextOf } from './context.ts';
import { failure } from './errors.ts';
import { resolveTarget } from './target.ts';

export function makeDeleteCommand(): Command {
  return new Command('delete')
    .alias('rm')
    .description('delete workflows')
    .argument('<name...>', 'workflow names')
    .action(async (names: string[], _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const target = await resolveTarget(ctx);
      try {
        for (const name of names) {
          try {
            await deleteWorkflow(target.client, target.namespace, name);
          } catch (e) {
            if (isNotFound(e)) throw failure(`workflow "${name}" not found in namespace "${target.namespace}"`);
            throw e;
          }
          ctx.io.out(`Workflow '${name}' deleted\n`);
        }
      } finally {
        target.close();
      }
    });
}
