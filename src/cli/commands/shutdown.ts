/**
 * `argosy stop`, `terminate` and `suspend`: merge-patch `spec.shutdown` (Stop lets exit handlers
 * run, Terminate does not) or `spec.suspend`, as argo does; names, `@latest`, `-l`, `--field-selector`,
 * `--dry-run`. A finished workflow is refused with argo's message. `stop --node-field-selector` fails
 * the matching suspend nodes (with `--message`) instead.
 */
import { Command } from 'commander';
import { getWorkflow, patchWorkflow } from '../../adapters/kube/resources.ts';
import type { Workflow } from '../../engine/types.ts';
import { contextOf } from '../lib/context.ts';
import { failure } from '../lib/errors.ts';
import { isCompleted } from '../lib/follow.ts';
import { selectWorkflows, type Selected } from '../lib/selection.ts';
import { onWorkflow, withTarget, type Target } from '../lib/kube-target.ts';
import { withQueryFlags, type WorkflowQuery } from '../lib/workflow-query.ts';
import { setNodes } from './node.ts';

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

interface VerbFlags extends WorkflowQuery {
  dryRun?: boolean;
  message?: string;
  nodeFieldSelector?: string;
}

async function apply(target: Target, verb: Verb, s: Selected, flags: VerbFlags): Promise<void> {
  const scoped = { ...target, namespace: s.namespace };
  // argo stop --node-field-selector fails the matching suspend nodes (with --message) instead of stopping
  // the workflow (workflow/util StopWorkflow, the same update as `node set --phase Failed`).
  if (verb.name === 'stop' && flags.nodeFieldSelector) {
    const values = {
      phase: 'Failed' as const,
      outputParameters: {},
      ...(flags.message ? { message: flags.message } : {}),
    };
    if (!flags.dryRun) await setNodes(scoped, s.name, flags.nodeFieldSelector, values);
    return;
  }
  const wf = await onWorkflow(scoped, s.name, () => getWorkflow<Workflow>(target.client, s.namespace, s.name));
  if (isCompleted(wf)) throw failure(verb.refusal(s));
  if (!flags.dryRun) await patchWorkflow(target.client, s.namespace, s.name, verb.patch);
}

function makeVerbCommand(verb: Verb): Command {
  const cmd = new Command(verb.name).description(verb.about).argument('[name...]', 'workflow names, or @latest');
  if (verb.name !== 'suspend')
    withQueryFlags(cmd, ['selector', 'fieldSelector']).option('--dry-run', 'only print what would happen');
  if (verb.name === 'stop')
    cmd
      .option('--node-field-selector <selector>', 'fail these suspend nodes instead, e.g. displayName=approve')
      .option('--message <message>', 'message of the nodes failed by --node-field-selector');
  return cmd.action(async (names: string[], opts: VerbFlags, c: Command) => {
    const ctx = contextOf(c);
    await withTarget(ctx, async (target) => {
      for (const s of await selectWorkflows(target, names, opts)) {
        await apply(target, verb, s, opts);
        ctx.io.out(`workflow ${s.name} ${verb.past}${opts.dryRun ? ' (dry-run)' : ''}\n`);
      }
    });
  });
}

export const makeStopCommand = (): Command => makeVerbCommand(VERBS[0]!);
export const makeTerminateCommand = (): Command => makeVerbCommand(VERBS[1]!);
export const makeSuspendCommand = (): Command => makeVerbCommand(VERBS[2]!);
