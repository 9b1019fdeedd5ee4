/**
 * `argosy resume NAME`: resumes a suspended workflow the way argo's `ResumeWorkflow` does: clears
 * `spec.suspend` and marks active suspend nodes Succeeded (through the status subresource).
 */
import { Command } from 'commander';
import { patchWorkflow, patchWorkflowStatus } from '../../adapters/kube/resources.ts';
import { contextOf } from './context.ts';
import { failure } from './errors.ts';
import { fetchWorkflow } from './get.ts';
import { withTarget } from './target.ts';

export function makeResumeCommand(): Command {
  return new Command('resume')
    .description('resume a suspended workflow (spec.suspend and active suspend steps)')
    .argument('<name...>', 'workflow names')
    .action(async (names: string[], _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      await withTarget(ctx, async (target) => {
        for (const name of names) {
          const wf = await fetchWorkflow(target, name);
          const active = Object.values(wf.status?.nodes ?? {}).filter(
            (n) => n.type === 'Suspend' && (n.phase === 'Running' || n.phase === 'Pending'),
          );
          if (!wf.spec.suspend && active.length === 0) {
            throw failure(`workflow ${name} is not suspended`, 'see its state with `argosy get ' + name + '`');
          }
          if (wf.spec.suspend) await patchWorkflow(target.client, target.namespace, name, { spec: { suspend: null } });
          if (active.length) {
            const finishedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
            const nodes = Object.fromEntries(active.map((n) => [n.id, { phase: 'Succeeded', finishedAt }]));
            await patchWorkflowStatus(target.client, target.namespace, name, { status: { nodes } });
          }
          ctx.io.out(`workflow ${name} resumed\n`);
        }
      });
    });
}
