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
import { loadWorkflowFile } from './workflow-file.ts';
import { workflowStoreRefusals } from '../../clusters/store-guard.ts';

interface SubmitOpts {
  watch?: boolean;
  wait?: boolean;
  parameter: string[];
  output?: string;
  generateName?: string;
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

export function makeSubmitCommand(): Command {
  return new Command('submit')
    .description('submit a workflow file (like `argo submit`)')
    .argument('<file>', 'workflow YAML or JSON')
    .option('-p, --parameter <name=value>', 'set a workflow argument (repeatable)', collect, [])
    .option('--generate-name <prefix>', 'override metadata.generateName')
    .option('-w, --wait', 'wait for completion, then print `<name> <phase> at <time>`')
    .option('--watch', 'follow the workflow live until it completes')
    .option('-o, --output <format>', 'name, json or yaml (default: the get view)')
    .action(async (file: string, opts: SubmitOpts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const output = checkOutput(opts.output, ['default', 'name', 'json', 'yaml'] as const, 'default');
      if (opts.watch && opts.wait) throw usageError('--watch and --wait exclude each other');
      const wf = loadWorkflowFile(file, opts.parameter);
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
