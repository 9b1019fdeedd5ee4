/**
 * `argosy stop NAME` and `argosy terminate NAME`: merge-patch `spec.shutdown` as argo does. Stop
 * lets exit handlers run; Terminate does not.
 */
import { Command } from 'commander';
import { patchWorkflow } from '../../adapters/kube/resources.ts';
import { isNotFound } from '../../adapters/kube/errors.ts';
import { contextOf } from './context.ts';
import { failure } from './errors.ts';
import { resolveTarget } from './target.ts';

function makeShutdownCommand(verb: 'stop' | 'terminate', strategy: 'Stop' | 'Terminate', past: string, about: string) {
  return new Command(verb)
    .description(about)
    .argument('<name...>', 'workflow names')
    .action(async (names: string[], _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const target = await resolveTarget(ctx);
      try {
        for (const name of names) {
          try {
            await patchWorkflow(target.client, target.namespace, name, { spec: { shutdown: strategy } });
          } catch (e) {
            if (isNotFound(e)) throw failure(`workflow "${name}" not found in namespace "${target.namespace}"`);
            throw e;
          }
          ctx.io.out(`workflow ${name} ${past}\n`);
        }
      } finally {
        target.close();
      }
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
