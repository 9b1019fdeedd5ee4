/** `argosy wait NAME...`: blocks until each workflow completes; prints `<name> <phase> at <time>`. */
import { Command } from 'commander';
import { contextOf } from './context.ts';
import { exitCodeOf, followWorkflow, waitLine } from './follow.ts';
import { withTarget } from './target.ts';
import { resolveName } from './get.ts';

export function makeWaitCommand(): Command {
  return new Command('wait')
    .description('wait for workflows to complete; exit 1 if any did not succeed')
    .argument('<name...>', 'workflow names')
    .action(async (names: string[], _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      await withTarget(ctx, async (target) => {
        let code = 0;
        for (const name of names) {
          const wf = await followWorkflow(target.client, target.namespace, await resolveName(target, name));
          ctx.io.out(waitLine(wf) + '\n');
          code = Math.max(code, exitCodeOf(wf));
        }
        process.exitCode = code;
      });
    });
}
