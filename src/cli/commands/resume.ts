/**
 * `argosy resume NAME [--node-field-selector SEL]`: resumes a suspended workflow as argo's
 * `ResumeWorkflow` does — `spec.suspend` cleared and active suspend nodes Succeeded (the engine's
 * `resumeWorkflow`). The write is the reconcile's own (whole object on Argo's CRD, `/status` where a
 * status subresource exists), with the resourceVersion precondition: a 409 re-reads and tries again.
 * The watcher treats a resolved suspend node as significant, so the controller continues at once.
 */
import { Command } from 'commander';
import { isConflict } from '../../adapters/kube/errors.ts';
import { patchWorkflow } from '../../adapters/kube/resources.ts';
import { isWorkflowSuspended, resumeSpecPatch, resumeWorkflow, setSuspendedNodes } from '../../engine/index.ts';
import type { Workflow } from '../../engine/types.ts';
import { discoverStatusSubresource } from '../../adapters/kube/resources.ts';
import { writeWorkflow } from '../../runtime/write-workflow.ts';
import type { KubeClient } from '../../ports/kube.ts';
import { contextOf } from '../lib/context.ts';
import { failure } from '../lib/errors.ts';
import { fetchWorkflow } from './get.ts';
import { withTarget, type Target } from '../lib/kube-target.ts';
import { collectParameter, parseOutputParameters } from './node.ts';

const ATTEMPTS = 3;

/** What resume does to a workflow: outputs supplied first (as `argosy node set`), then nodes resumed. */
function resumedStatus(wf: Workflow, selector: string | undefined, outputs: Record<string, string>) {
  const now = new Date();
  try {
    const supplied =
      Object.keys(outputs).length > 0
        ? { ...wf, status: setSuspendedNodes(wf, selector ?? '', { outputParameters: outputs }, now) }
        : wf;
    return resumeWorkflow(supplied, selector, now);
  } catch (e) {
    throw failure((e as Error).message, 'check the node field selector and parameter names against `argosy get`');
  }
}

async function resumeOnce(target: Target, name: string, opts: ResumeOptions, sub: boolean): Promise<void> {
  let wf = await fetchWorkflow(target, name);
  if (!isWorkflowSuspended(wf))
    throw failure(`workflow ${name} is not suspended`, `see its state with \`argosy get ${name}\``);
  const status = resumedStatus(wf, opts.selector, opts.outputParameters ?? {});
  const client: KubeClient = target.client;
  if (resumeSpecPatch(wf)) {
    if (sub) {
      // The spec goes through the main resource; status through /status below.
      wf = await patchWorkflow<Workflow>(client, target.namespace, name, {
        metadata: { resourceVersion: wf.metadata.resourceVersion },
        spec: { suspend: null },
      });
    } else {
      const { suspend: _suspend, ...spec } = wf.spec;
      wf = { ...wf, spec };
    }
  }
  // Offloaded nodes are written back as a new version (the user's rights on the bucket).
  await writeWorkflow(client, wf, status, undefined, sub, { nodeStatus: target.nodeStatus });
}

/** Which nodes to resume, and the supplied output parameters to set on them first. */
export interface ResumeOptions {
  selector?: string;
  outputParameters?: Record<string, string>;
}

/** Resumes one workflow (re-reading and retrying on a write conflict). */
export async function resumeNamed(
  target: Target,
  name: string,
  selector?: string | ResumeOptions,
  sub?: boolean,
): Promise<void> {
  const opts = typeof selector === 'object' ? selector : { selector };
  const status = sub ?? (await discoverStatusSubresource(target.client));
  for (let attempt = 1; ; attempt++) {
    try {
      return await resumeOnce(target, name, opts, status);
    } catch (e) {
      if (!isConflict(e) || attempt >= ATTEMPTS) throw e;
    }
  }
}

export function makeResumeCommand(): Command {
  return new Command('resume')
    .description('resume a suspended workflow (spec.suspend and active suspend steps)')
    .argument('<name...>', 'workflow names')
    .option('--node-field-selector <selector>', 'only the suspend nodes matching, e.g. displayName=approve')
    .option(
      '-p, --output-parameter <name=value>',
      'Argosy extension: supply an output parameter of the resumed suspend nodes first (as `argosy node set -p`); repeatable',
      collectParameter,
      [],
    )
    .action(async (names: string[], opts: { nodeFieldSelector?: string; outputParameter: string[] }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const outputParameters = parseOutputParameters(opts.outputParameter);
      await withTarget(ctx, async (target) => {
        const sub = await discoverStatusSubresource(target.client);
        for (const name of names) {
          await resumeNamed(target, name, { selector: opts.nodeFieldSelector, outputParameters }, sub);
          ctx.io.out(`workflow ${name} resumed\n`);
        }
      });
    });
}
