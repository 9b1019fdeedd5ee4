/**
 * `argosy submit FILE... [flags]`: creates Workflows in the main cluster (a running `argosy dev`, or
 * real clusters) like `argo submit`: several files, `-` for stdin, multi-document files, argo's
 * submit options, client or server dry runs, then print, wait, watch or follow the logs.
 */
import { Command } from 'commander';
import { workflowsPath } from '../../adapters/kube/resources.ts';
import type { Workflow } from '../../engine/types.ts';
import { WatchPrinter } from '../render/watch.ts';
import { contextOf, type CliContext } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';
import { exitCodeOf, followWorkflow, noticeStall, waitLine } from '../lib/follow.ts';
import { checkOutput, formatObject, printWorkflow } from '../lib/output.ts';
import { withTarget, type Target } from '../lib/kube-target.ts';
import { bundlesFromText, readInputFile } from '../lib/workflow-file.ts';
import { applyManifests, type Manifest } from '../lib/manifests.ts';
import { checkTemplateExists, resolveCron, workflowFromTemplate } from './submit-from.ts';
import { workflowStoreRefusals } from '../../clusters/store-guard.ts';
import { unconfiguredClusters } from '../lib/cluster-names.ts';
import { applySubmitFlags, checkSubmitFlags, readParameterFile, type SubmitFlags } from './submit-opts.ts';
import { lintStrict, NOT_STRICT_NOTE } from './lint.ts';
import { nodeFilterFlag, nodeSelectorOf } from '../lib/node-selector.ts';
import { followLogs } from './logs.ts';

const OUTPUTS = ['default', 'name', 'json', 'yaml', 'wide'] as const;
const collect = (v: string, acc: string[]): string[] => [...acc, v];

/** Follows with a live view until done and prints the final view; returns the exit code. */
export async function watchToEnd(
  ctx: CliContext,
  target: Target,
  name: string,
  signal?: AbortSignal,
  filter?: string,
): Promise<number> {
  const printer = new WatchPrinter({
    style: ctx.style,
    tty: ctx.io.isTTY,
    write: ctx.io.out,
    mainCluster: target.mainCluster,
    nodeFilter: nodeSelectorOf(filter),
  });
  const wf = await followWorkflow(target.client, target.namespace, name, {
    printer,
    intervalMs: 250,
    onStall: noticeStall(printer, ctx.io.err),
    signal,
    ...(target.nodeStatus ? { nodeStatus: target.nodeStatus } : {}),
  });
  return exitCodeOf(wf);
}

/** The workflows to submit (from files, or `--from` a template) and the objects to apply first. */
interface Submission {
  workflows: Workflow[];
  objects: Manifest[];
}

/** `-p` values and those of `--parameter-file`. */
function submitParams(flags: SubmitFlags): string[] {
  return [...flags.parameter, ...(flags.parameterFile ? readParameterFile(flags.parameterFile) : [])];
}

/** Reads every file (or `--from`) and applies the flags; bad input exits 2 before anything is created. */
function loadAll(files: string[], flags: SubmitFlags): Submission {
  if (files.length && flags.from) throw usageError('cannot combine --from with file arguments');
  if (files.length === 0 && !flags.from)
    throw usageError(
      'submit needs files or --from kind/name',
      'argosy submit FILE... (- for stdin), or --from workflowtemplate/NAME',
    );
  const params = submitParams(flags);
  const out: Submission = { workflows: [], objects: [] };
  if (flags.from) {
    const wf = workflowFromTemplate(flags.from, params);
    applySubmitFlags(wf, flags, [], flags.from);
    out.workflows.push(wf);
  }
  for (const file of files) {
    const b = bundlesFromText(
      readInputFile(file),
      file,
      (wf) => applySubmitFlags(wf, flags, params, file),
      !flags.lenientYaml,
    );
    out.workflows.push(...b.workflows);
    out.objects.push(...b.objects);
  }
  checkSubmitFlags(flags, out.workflows.length);
  return out;
}

/** Creates one workflow (or asks the server to dry-run it); refuses the controller's namespace. */
async function create(ctx: CliContext, target: Target, given: Workflow, flags: SubmitFlags): Promise<Workflow> {
  const ns = ctx.globals.namespace || given.metadata.namespace || target.namespace;
  // --from cronwf/NAME: the CronWorkflow is read from the cluster, then the flags apply to its run.
  const wf = await resolveCron(target.client, ns, given);
  if (wf !== given) applySubmitFlags(wf, flags, submitParams(flags), flags.from ?? '');
  const store = {
    cluster: target.mainCluster,
    namespace: ctx.config.controllerNamespace,
    secretName: ctx.config.secretName,
  };
  const refused = workflowStoreRefusals(wf, store, ns);
  if (refused.length > 0)
    throw usageError(refused.join('\n'), 'workflows run in their own namespaces (docs/deploy.md, namespace layout)');
  const unknown = await unconfiguredClusters(wf, target.mainCluster, target.configuredTargets);
  if (unknown.length > 0)
    throw usageError(
      unknown.join('\n'),
      'fix the name, or add the cluster: argosy cluster add (docs/multi-cluster.md)',
    );
  if (flags.dryRun) return { ...wf, metadata: { ...wf.metadata, namespace: ns } };
  await checkTemplateExists(target.client, ns, wf);
  const body = { ...wf, metadata: { ...wf.metadata, namespace: undefined } };
  return target.client.request<Workflow>({
    method: 'POST',
    path: workflowsPath(ns),
    body,
    query: flags.serverDryRun ? { dryRun: 'All' } : undefined,
  });
}

function show(
  ctx: CliContext,
  wf: Workflow,
  output: (typeof OUTPUTS)[number],
  mainCluster: string,
  filter?: string,
): void {
  if (output === 'name') ctx.io.out(`${wf.metadata.name ?? wf.metadata.generateName ?? ''}\n`);
  else if (output === 'json' || output === 'yaml') ctx.io.out(formatObject(wf, output));
  else
    printWorkflow(ctx, wf, {
      mainCluster,
      output: output === 'wide' ? 'wide' : 'default',
      nodeFilter: nodeSelectorOf(filter),
    });
}

/** After creating: --watch, --log or --wait (argo WaitWatchOrLog); sets the exit code. */
async function afterCreate(ctx: CliContext, target: Target, created: Workflow[], flags: SubmitFlags): Promise<void> {
  const ns = created[0]?.metadata.namespace ?? target.namespace;
  const scoped = { ...target, namespace: ns };
  const names = created.map((w) => w.metadata.name!);
  if (flags.log) for (const name of names) await followLogs(ctx, scoped, name);
  if (!flags.wait && !flags.log) return;
  let code = 0;
  for (const name of names) {
    const done = await followWorkflow(target.client, ns, name, { nodeStatus: target.nodeStatus });
    if (flags.wait) ctx.io.out(waitLine(done) + '\n');
    code = Math.max(code, exitCodeOf(done));
  }
  process.exitCode = code;
}

async function submit(ctx: CliContext, files: string[], flags: SubmitFlags): Promise<void> {
  const output = checkOutput(flags.output, OUTPUTS, 'default');
  const filter = nodeFilterFlag(flags);
  nodeSelectorOf(filter);
  const loaded = loadAll(files, flags);
  await withTarget(ctx, async (target) => {
    const ns = ctx.globals.namespace || target.namespace;
    if (!flags.dryRun) await applyManifests(target.client, ns, loaded.objects, (line) => ctx.io.err(`${line}\n`));
    const created: Workflow[] = [];
    for (const [i, wf] of loaded.workflows.entries()) {
      const one = await create(ctx, target, wf, flags);
      // Several YAML objects stay one valid YAML stream (argo prints them back to back).
      if (i > 0 && output === 'yaml') ctx.io.out('---\n');
      created.push(one);
      if (flags.watch) {
        process.exitCode = await watchToEnd(
          ctx,
          { ...target, namespace: one.metadata.namespace ?? target.namespace },
          one.metadata.name!,
          undefined,
          filter,
        );
        return;
      }
      show(ctx, one, output, target.mainCluster, filter);
    }
    if (!flags.dryRun && !flags.serverDryRun) await afterCreate(ctx, target, created, flags);
  });
}

export function makeSubmitCommand(): Command {
  return new Command('submit')
    .description('submit workflow files (like `argo submit`)')
    .argument(
      '[file...]',
      'workflow YAML/JSON files (several documents each, with the WorkflowTemplates and ConfigMaps they use), or - for stdin',
    )
    .option('-p, --parameter <name=value>', 'set a workflow argument (repeatable)', collect, [])
    .option('-f, --parameter-file <file>', 'a YAML or JSON file of parameter names to values')
    .option('--from <kind/name>', 'submit from workflowtemplate/NAME or clusterworkflowtemplate/NAME')
    .option('--entrypoint <template>', 'override spec.entrypoint')
    .option('--serviceaccount <name>', 'run all pods of the workflow with this service account')
    .option('-l, --labels <k=v,...>', 'labels added to the workflow (replacing same keys)')
    .option('--priority <int>', 'spec.priority: orders synchronization queues (higher first)')
    .option(
      '--scheduled-time <RFC3339>',
      "override the workflow's scheduledTime ({{workflow.scheduledTime}}; useful for backfilling)",
    )
    .option('--name <name>', 'override metadata.name')
    .option('--generate-name <prefix>', 'override metadata.generateName')
    .option('-w, --wait', 'wait for completion, then print `<name> <phase> at <time>`')
    .option('--watch', 'follow the workflow live until it completes')
    .option('--log', "print the workflow's logs until it completes")
    .option('--dry-run', 'modify the workflow on the client side without creating it (needs -o)')
    .option('--server-dry-run', 'let the API server admit the workflow without storing it (needs -o)')
    .option('--status <phase>', 'with --watch: only nodes in this phase')
    .option('--node-field-selector <sel>', 'only nodes matching, e.g. phase=Failed')
    .option('-o, --output <format>', `${OUTPUTS.filter((o) => o !== 'default').join('|')} (default: the get view)`)
    .option('--strict [bool]', 'strict validation (default true; see lint --strict in docs/cli.md)')
    .action(async (files: string[], flags: SubmitFlags & { strict?: string | boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      flags.lenientYaml = !lintStrict(flags.strict, files);
      if (flags.lenientYaml) ctx.io.err(NOT_STRICT_NOTE);
      return submit(ctx, files, flags);
    });
}
