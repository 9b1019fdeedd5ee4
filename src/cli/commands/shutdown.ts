/**
 * `argosy stop`, `terminate` and `suspend`: merge-patch `spec.shutdown` (Stop lets exit handlers
 * run, Terminate does not) or `spec.suspend`, as argo does; names, `@latest`, `-l`, `--dry-run`. A
 * finished workflow is refused with argo's message.
 */
import { Command } from 'commander';
import { getWorkflow, patchWorkflow } from '../../adapters/kube/resources.ts';
import type { Workflow } from '../../engine/types.ts';
import { contextOf } from './context.ts';
import { failure } from './errors.ts';
import { isCompleted } from './follow.ts';
import { selectWorkflows, type Selected } from './selection.ts';
import { onWorkflow, withTarget, type Target } from './kube-target.ts';
import { withQueryFlags, type WorkflowQuery } from './workflow-query.ts';

interface Verb {
  name: 'stop' | 'terminate' | 'suspend';
  past: string;
  about: string;
  patch: { spec: Partial<Workflow['spec']> };
  /** argo's refusal for a completed workflow. */
  refusal: (s: Selected) => string;
}

const shutdownRefusal = (s: Selected): string =>
  `cannot shutdown a completed workflow: workflow: "${s.name}", namespace: "${s.namespace}"`;

const VERBS: Verb[] = [
  {
    name: 'stop',
    past: 'stopped',
    about: 'stop workflows: no new steps, exit handlers still run',
    patch: { spec: { shutdown: 'Stop' } },
    refusal: shutdownRefusal,
  },
  {
    name: 'terminate',
    past: 'terminated',
    about: 'terminate workflows immediately (no exit handlers)',
    patch: { spec: { shutdown: 'Terminate' } },
    refusal: shutdownRefusal,
  },
  {
    name: 'suspend',
    past: 'suspended',
    about: 'suspend workflows: no new steps until `argosy resume`',
    patch: { spec: { suspend: true } },
    refusal: () => 'cannot suspend completed workflows',
  },
];

async function apply(target: Target, verb: Verb, s: Selected, dryRun: boolean): Promise<void> {
  const scoped = { ...target, namespace: s.namespace };
  const wf = await onWorkflow(scoped, s.name, () => getWorkflow<Workflow>(target.client, s.namespace, s.name));
  if (isCompleted(wf)) throw failure(verb.refusal(s));
  if (!dryRun) await patchWorkflow(target.client, s.namespace, s.name, verb.patch);
}

function makeVerbCommand(verb: Verb): Command {
  const cmd = new Command(verb.name).description(verb.about).argument('[name...]', 'workflow names, or @latest');
  if (verb.name !== 'suspend') withQueryFlags(cmd, ['selector']).option('--dry-run', 'only print what would happen');
  return cmd.action(async (names: string[], opts: WorkflowQuery & { dryRun?: boolean }, c: Command) => {
    const ctx = contextOf(c);
    await withTarget(ctx, async (target) => {
      for (const s of await selectWorkflows(target, names, opts)) {
        await apply(target, verb, s, Boolean(opts.dryRun));
        ctx.io.out(`workflow ${s.name} ${verb.past}${opts.dryRun ? ' (dry-run)' : ''}\n`);
      }
    });
  });
}

export const makeStopCommand = (): Command => makeVerbCommand(VERBS[0]!);
export const makeTerminateCommand = (): Command => makeVerbCommand(VERBS[1]!);
export const makeSuspendCommand = (): Command => makeVerbCommand(VERBS[2]!);
