/**
 * `argosy stop NAME` and `argosy terminate NAME`: merge-patch `spec.shutdown` as argo does. Stop
 * lets exit handlers run; Terminate does not.
 */
import { Command } from 'commander';
import { patchWorkflow } from '../../adapters/kube/resources.ts';
import { contextOf } from './context.ts';
import { onWorkflow, withTarget } from './target.ts';

function makeShutdownCommand(verb: 'stop' | 'terminate', strategy: 'Stop' | 'Terminate', past: string, about: string) {
  return new Command(verb)
    .description(about)
    .argument('<name...>', 'workflow names')
    .action(async (names: string[], _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      await withTarget(ctx, async (target) => {
        for (const name of names) {
          const patch = { spec: { shutdown: strategy } };
          await onWorkflow(target, name, () => patchWorkflow(target.client, target.namespace, name, patch));
          ctx.io.out(`workflow ${name} ${past}\n`);
        }
      });
    });
}

export function makeStopCommand(): Command {
  return makeShutdownCommand('stop', 'Stop', 'stopped', 'stop workflows: no new steps, exit handlers still run');
}

export function makeTerminateCommand(): Command {
  return makeShutdownCommand(
    'terminate',
    'Terminate',
    'terminated',
    'terminate workflows immediately (no exit handlers)',
  );
}
