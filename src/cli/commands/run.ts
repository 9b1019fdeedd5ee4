/**
 * `argosy run FILE`: the one-command experience. Starts an ephemeral local stack (API servers per
 * cluster, SQS emulator, watcher, the real function handlers), submits the workflow, shows it live
 * like `argo submit --watch`, prints the final tree and stops everything. Exit 0 Succeeded, 1
 * Failed/Error, 2 bad input, 130 interrupted.
 */
import { Command } from 'commander';
import type { Workflow } from '../../engine/types.ts';
import { getWorkflow } from '../../adapters/kube/resources.ts';
import { readHydrated } from '../../adapters/kube/offloaded-nodes.ts';
import { EMULATOR_KEYS, LOCAL_STATUS_BUCKET, s3NodeStatusStore } from '../../adapters/artifacts/node-status-s3.ts';
import { WatchPrinter } from '../render/watch.ts';
import { contextOf, type CliContext } from '../lib/context.ts';
import { EXIT, usageError } from '../lib/errors.ts';
import { exitCodeOf, followWorkflow, noticeStall } from '../lib/follow.ts';
import { checkPolicyFile, parseClusters, RUNTIMES, startStack, type LocalStack } from '../lib/local-stack.ts';
import { checkOutput, formatObject } from '../lib/output.ts';
import { loadWorkflowBundle, referencedClusters, type WorkflowBundle } from '../lib/workflow-file.ts';
import { applyManifests, TEMPLATE_KINDS, type Manifest } from '../lib/manifests.ts';
import { didYouMean } from '../../engine/did-you-mean.ts';

interface RunOpts {
  parameter: string[];
  clusters?: string;
  runtime?: string;
  output?: string;
  policy?: string;
  dataDir?: string;
  apply: string[];
}

const collect = (v: string, acc: string[]): string[] => [...acc, v];

/** Fails (exit 2) when a template (of the workflow or applied with it) names a cluster the stack will not have. */
export function checkClusters(file: string, wf: Workflow, clusters: string[], objects: Manifest[] = []): void {
  const applied = objects.filter((o) => TEMPLATE_KINDS.includes(o.kind)) as unknown as Workflow[];
  for (const t of [wf, ...applied].flatMap((w) => w.spec.templates ?? [])) {
    if (t.clusterName && !clusters.includes(t.clusterName)) {
      throw usageError(
        `${file}: template "${t.name}" runs in cluster "${t.clusterName}", which is not in --clusters ${clusters.join(',')}` +
          didYouMean(t.clusterName, clusters),
        `add it: --clusters ${[...clusters, t.clusterName].join(',')}`,
      );
    }
  }
}

export function makeRunCommand(): Command {
  return new Command('run')
    .description('run a workflow on an ephemeral local stack and show it live (no cloud, no Docker)')
    .argument('<file>', 'workflow YAML or JSON (may also hold the WorkflowTemplates and ConfigMaps it uses)')
    .option('--apply <file>', 'apply the WorkflowTemplates/ConfigMaps of this file first (repeatable)', collect, [])
    .option('-p, --parameter <name=value>', 'set a workflow argument (repeatable)', collect, [])
    .option('--clusters <names>', 'local clusters to start, comma-separated (default: main + those the workflow names)')
    .option('--runtime <runtime>', 'process: run pod commands as local processes; sim: simulate them', 'process')
    .option('--policy <file>', 'placement policy (YAML/JSON) instead of the default')
    .option('--data-dir <dir>', 'keep the local stack files here (default: a temporary directory)')
    .option('-o, --output <format>', 'tree (live view), json or yaml (final object only)', 'tree')
    .action(async (file: string, opts: RunOpts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const output = checkOutput(opts.output, ['tree', 'json', 'yaml'] as const, 'tree');
      const runtime = checkOutput(opts.runtime, RUNTIMES, 'process');
      const { workflow: wf, objects } = loadWorkflowBundle(file, opts.parameter, opts.apply);
      const main = ctx.config.clusterName;
      const clusters = parseClusters(opts.clusters, main, referencedClusters(wf, objects));
      checkClusters(file, wf, clusters, objects);
      if (opts.policy) checkPolicyFile(opts.policy);
      const started = Date.now();
      const stack = await startStack({
        clusters,
        runtime,
        logger: ctx.logger,
        policy: opts.policy,
        dataDir: opts.dataDir,
      });
      ctx.io.err(
        `argosy: local clusters ${clusters.join(', ')} ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
      );
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        process.exitCode = await submitAndFollow(ctx, stack, { workflow: wf, objects }, output, abort.signal);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await stopQuietly(stack);
      }
    });
}

/** Submits, follows (live tree or silently), prints the result; returns the exit code. */
async function submitAndFollow(
  ctx: CliContext,
  stack: LocalStack,
  bundle: WorkflowBundle,
  output: 'tree' | 'json' | 'yaml',
  signal: AbortSignal,
): Promise<number> {
  const wf = bundle.workflow;
  const namespace = ctx.globals.namespace || wf.metadata.namespace || 'argo';
  delete wf.metadata.namespace;
  const kube = stack.mainClient ?? stack.registry.mainClient();
  await applyManifests(kube, namespace, bundle.objects, (line) => ctx.io.err(`${line}\n`));
  const created = await stack.submit(wf, namespace);
  const name = created.metadata.name!;
  const printer =
    output === 'tree'
      ? new WatchPrinter({ style: ctx.style, tty: ctx.io.isTTY, write: ctx.io.out, mainCluster: stack.mainCluster })
      : undefined;
  const nodeStatus = s3NodeStatusStore({
    bucket: LOCAL_STATUS_BUCKET,
    endpoint: stack.sqsEndpoint,
    credentials: EMULATOR_KEYS,
  });
  const read = () => readHydrated(() => getWorkflow<Workflow>(kube, namespace, name), nodeStatus);
  const final = await followWorkflow(kube, namespace, name, {
    printer,
    intervalMs: 250,
    onStall: noticeStall(printer, ctx.io.err),
    signal,
    nodeStatus,
  });
  if (signal.aborted) {
    const phase = final.status?.phase || 'Pending';
    const why = unfinishedSummary(final);
    ctx.io.err(`argosy: interrupted; stopping the local stack (workflow ${name} was ${phase}${why})\n`);
    return EXIT.interrupted;
  }
  if (output !== 'tree') ctx.io.out(formatObject(await read().finally(() => nodeStatus.close()), output));
  return exitCodeOf(final);
}

/**
 * What the unfinished steps were doing when the run was interrupted (`: main Pending: Unschedulable: …`),
 * so a run stopped because it waited too long says what it waited for.
 */
export function unfinishedSummary(wf: Workflow): string {
  const open = Object.values(wf.status?.nodes ?? {}).filter(
    (n) => (n.phase === 'Pending' || n.phase === 'Running') && (n.type === 'Pod' || !!n.message),
  );
  if (open.length === 0) return '';
  const shown = open.slice(0, 3).map((n) => `${n.displayName} ${n.phase}${n.message ? `: ${n.message}` : ''}`);
  const more = open.length > 3 ? `; ${open.length - 3} more` : '';
  return `: ${shown.join('; ')}${more}`;
}

async function stopQuietly(stack: LocalStack): Promise<void> {
  try {
    await stack.stop();
  } catch {
    // Stopping is best effort: the process exits right after.
  }
}
