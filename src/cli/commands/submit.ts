/**
 * `argosy submit FILE [--watch|--wait] [-p NAME=VALUE] [-o name|json|yaml]`: creates the Workflow
 * in the main cluster (a running `argosy dev`, or real clusters) like `argo submit`.
 */
import { Command } from 'commander';
import { createWorkflow } from '../../adapters/kube/resources.ts';
import type { Workflow } from '../../engine/types.ts';
import { WatchPrinter } from '../render/watch.ts';
import { contextOf, type CliContext } from './context.ts';
import { usageError } from './errors.ts';
import { exitCodeOf, followWorkflow, stallHint, waitLine } from './follow.ts';
import { checkOutput, formatObject, printWorkflow } from './output.ts';
import { withTarget, type Target } from './target.ts';
import { loadWorkflowBundle, type WorkflowBundle } from './workflow-file.ts';
import { applyManifests } from './manifests.ts';
import { checkTemplateExists, workflowFromTemplate } from './submit-from.ts';
import { workflowStoreRefusals } from '../../clusters/store-guard.ts';

interface SubmitOpts {
  watch?: boolean;
  wait?: boolean;
  parameter: string[];
  output?: string;
  generateName?: string;
  from?: string;
  entrypoint?: string;
}

const collect = (v: string, acc: string[]): string[] => [...acc, v];

/** Follows with a live view until done and prints the final view; returns the exit code. */
export async function watchToEnd(ctx: CliContext, target: Target, name: string, signal?: AbortSignal): Promise<number> {
  const printer = new WatchPrinter({
    style: ctx.style,
    tty: ctx.io.isTTY,
    write: ctx.io.out,
    mainCluster: target.mainCluster,
  });
  const wf = await followWorkflow(target.client, target.namespace, name, {
    printer,
    intervalMs: 250,
    onStall: (w) => ctx.io.err(stallHint(w.metadata.name ?? '')),
    signal,
  });
  return exitCodeOf(wf);
}

/** The workflow to submit: from a file, or (`--from`) one that runs a (Cluster)WorkflowTemplate. */
function submission(file: string | undefined, opts: SubmitOpts): WorkflowBundle {
  if (file && opts.from) throw usageError('give a file or --from, not both');
  let bundle: WorkflowBundle;
  if (opts.from) bundle = { workflow: workflowFromTemplate(opts.from, opts.parameter), objects: [] };
  else if (file) bundle = loadWorkflowBundle(file, opts.parameter);
  else
    throw usageError(
      'submit needs a file or --from kind/name',
      'argosy submit wf.yaml, argosy submit --from workflowtemplate/NAME',
    );
  if (opts.entrypoint) bundle.workflow.spec.entrypoint = opts.entrypoint;
  return bundle;
}

export function makeSubmitCommand(): Command {
  return new Command('submit')
    .description('submit a workflow file (like `argo submit`)')
    .argument('[file]', 'workflow YAML or JSON (may also hold the WorkflowTemplates and ConfigMaps it uses)')
    .option('--from <kind/name>', 'submit from workflowtemplate/NAME or clusterworkflowtemplate/NAME')
    .option('--entrypoint <template>', 'override the entrypoint')
    .option('-p, --parameter <name=value>', 'set a workflow argument (repeatable)', collect, [])
    .option('--generate-name <prefix>', 'override metadata.generateName')
    .option('-w, --wait', 'wait for completion, then print `<name> <phase> at <time>`')
    .option('--watch', 'follow the workflow live until it completes')
    .option('-o, --output <format>', 'name, json or yaml (default: the get view)')
    .action(async (file: string | undefined, opts: SubmitOpts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const output = checkOutput(opts.output, ['default', 'name', 'json', 'yaml'] as const, 'default');
      if (opts.watch && opts.wait) throw usageError('--watch and --wait exclude each other');
      const { workflow: wf, objects } = submission(file, opts);
      if (opts.generateName) {
        delete wf.metadata.name;
        wf.metadata.generateName = opts.generateName;
      }
      await withTarget(ctx, async (target) => {
        const ns = ctx.globals.namespace || wf.metadata.namespace || target.namespace;
        delete wf.metadata.namespace;
        const store = {
          cluster: target.mainCluster,
          namespace: ctx.config.controllerNamespace,
          secretName: ctx.config.secretName,
        };
        const refused = workflowStoreRefusals(wf, store, ns);
        if (refused.length > 0)
          throw usageError(
            refused.join('\n'),
            'workflows run in their own namespaces (docs/deploy.md, namespace layout)',
          );
        await applyManifests(target.client, ns, objects, (line) => ctx.io.err(`${line}\n`));
        await checkTemplateExists(target.client, ns, wf);
        const created = await createWorkflow<Workflow>(target.client, ns, wf);
        const name = created.metadata.name!;
        const scoped = { ...target, namespace: ns };
        if (opts.watch) {
          process.exitCode = await watchToEnd(ctx, scoped, name);
          return;
        }
        if (output === 'name') ctx.io.out(`${name}\n`);
        else if (output === 'json' || output === 'yaml') ctx.io.out(formatObject(created, output));
        else printWorkflow(ctx, created, { mainCluster: target.mainCluster });
        if (opts.wait) {
          const done = await followWorkflow(target.client, ns, name);
          ctx.io.out(waitLine(done) + '\n');
          process.exitCode = exitCodeOf(done);
        }
      });
    });
}
