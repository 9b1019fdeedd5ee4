/**
 * `argosy wait NAME... [--ignore-not-found]`: blocks until each workflow completes; prints
 * `<name> <phase> at <time>` as `argo wait` does.
 */
import { Command } from 'commander';
import { contextOf } from '../lib/context.ts';
import { exitCodeOf, followWorkflow, waitLine } from '../lib/follow.ts';
import { withTarget } from '../lib/kube-target.ts';
import { resolveName } from './get.ts';
import { getWorkflow } from '../../adapters/kube/resources.ts';
import { isNotFound } from '../../adapters/kube/errors.ts';

export function makeWaitCommand(): Command {
  return new Command('wait')
    .description('wait for workflows to complete; exit 1 if any did not succeed')
    .argument('<name...>', 'workflow names, or @latest')
    .option('--ignore-not-found', 'a workflow that does not exist counts as done')
    .action(async (names: string[], opts: { ignoreNotFound?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      await withTarget(ctx, async (target) => {
        let code = 0;
        for (const given of names) {
          const name = await resolveName(target, given);
          if (opts.ignoreNotFound) {
            const exists = await getWorkflow(target.client, target.namespace, name).then(
              () => true,
              (e: unknown) => (isNotFound(e) ? false : Promise.reject(e)),
            );
            if (!exists) continue;
          }
          const wf = await followWorkflow(target.client, target.namespace, name, { nodeStatus: target.nodeStatus });
          ctx.io.out(waitLine(wf) + '\n');
          code = Math.max(code, exitCodeOf(wf));
        }
        process.exitCode = code;
      });
    });
}
