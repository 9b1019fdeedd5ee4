/**
 * `argosy doctor`: one look at everything that must be right for workflows to progress: the work
 * queue (depth, age), dead letters (and the replay window), whether the queue is being consumed,
 * the rest-config store, every configured cluster (reachable, may manage pods), the watcher and the
 * artifact repositories (ConfigMap, Secrets, bucket reachable with its keys).
 * Prints one line per finding with advice; exits 1 if anything failed.
 */
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../../config.ts';
import { checkClusters } from './doctor-clusters.ts';
import {
  checkDeadLetters,
  checkEventSource,
  checkTimerDeadLetters,
  checkWorkQueue,
  errText,
  type Finding,
  type Status,
} from './doctor-checks.ts';
import { checkSecret, checkWorkflowCrd } from './doctor-store.ts';
import { checkWatcher } from './doctor-watcher.ts';
import { checkWorkflows } from './doctor-workflows.ts';
import { checkArtifactRepositories } from './doctor-artifacts.ts';
import { clientFromKubeconfig } from '../../clusters/kubeconfig.ts';
import { runKubeconfigPlugin } from '../../clusters/kubeconfig-plugin.ts';
import type { KubeClient } from '../../ports/kube.ts';
import type { NodeStatusStore } from '../../ports/node-status.ts';
import { cliNodeStatus } from '../lib/node-status.ts';
import { explained, opsDeps, type OpsDeps } from '../lib/ops-deps.ts';
import { resolveOpsTarget, withTargetOptions, type OpsTarget, type TargetFlags } from '../lib/deployment-target.ts';

interface DoctorFlags extends TargetFlags {
  watcherUrl?: string;
  maxAge: number;
  clusters: boolean;
  resyncPeriod?: number;
  json?: boolean;
}

const MARK: Record<Status, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

/** Runs every check against a target. */
export async function runDoctor(
  deps: OpsDeps,
  target: OpsTarget,
  options: {
    watcherUrl?: string;
    maxAgeSeconds: number;
    secretName: string;
    /** Where the rest-config Secret lives (config.controllerNamespace), not the workflows' namespace. */
    secretNamespace: string;
    clusters: boolean;
    /** The main cluster, for the running-workflow check (absent = skipped). */
    main?: () => KubeClient | undefined;
    resyncSeconds?: number;
    now?: Date;
    /** Where offloaded node status is read (the running-workflow check); absent = not read. */
    nodeStatus?: NodeStatusStore;
  },
): Promise<Finding[]> {
  const [queue, dead, timerDead, source, secret, watcher, [workflows, artifacts], crd] = await Promise.all([
    checkWorkQueue(deps, target, options.maxAgeSeconds),
    checkDeadLetters(deps, target),
    checkTimerDeadLetters(deps, target),
    checkEventSource(deps, target),
    checkSecret(deps, target, options.secretName, options.secretNamespace),
    checkWatcher(deps, options.watcherUrl),
    mainClusterChecks(target, options),
    checkWorkflowCrd(target),
  ]);
  const clusters = options.clusters ? await checkClusters(secret.snapshot) : [];
  return [
    ...queue,
    ...dead,
    ...timerDead,
    ...source,
    ...secret.findings,
    ...crd,
    ...clusters,
    ...watcher,
    ...workflows,
    ...artifacts,
  ];
}

/** The local stack resyncs every 30 s; a deployment every 5 minutes (serverless.yml). */
const RESYNC_SECONDS = { local: 30, aws: 300 };

/** The checks that read the main cluster: stuck workflows, artifact repositories. */
async function mainClusterChecks(
  target: OpsTarget,
  options: { main?: () => KubeClient | undefined; resyncSeconds?: number; now?: Date; nodeStatus?: NodeStatusStore },
): Promise<[Finding[], Finding[]]> {
  let main: KubeClient | undefined;
  try {
    main = options.main ? options.main() : await mainClientOf(target);
  } catch (e) {
    return [
      [{ check: 'workflows', status: 'fail', detail: errText(e), advice: 'check KUBECONFIG and its context' }],
      [],
    ];
  }
  const resyncMs = 1000 * (options.resyncSeconds ?? RESYNC_SECONDS[target.kind]);
  try {
    return await Promise.all([
      checkWorkflows(main, options.now ?? new Date(), resyncMs, options.nodeStatus),
      checkArtifactRepositories(main),
    ]);
  } finally {
    (main as { close?: () => void } | undefined)?.close?.();
  }
}

/** The main cluster: the dev stack's context, else KUBECONFIG's current context, else none. */
async function mainClientOf(target: OpsTarget): Promise<KubeClient | undefined> {
  const plugins = runKubeconfigPlugin;
  if (target.kind === 'local') {
    const { kubeconfigPath: kubeconfig, mainContext: context, mainCluster: cluster } = target.state;
    return (await clientFromKubeconfig({ kubeconfig, context, cluster, plugins })).client;
  }
  const kubeconfig = loadConfig().kubeconfig;
  return kubeconfig ? (await clientFromKubeconfig({ kubeconfig, plugins })).client : undefined;
}

/** Formats findings for a terminal: status, check, detail, and advice on the next line. */
export function formatFindings(findings: Finding[]): string {
  const width = Math.max(...findings.map((f) => f.check.length), 5);
  return findings
    .map((f) => {
      const head = `${MARK[f.status]}  ${f.check.padEnd(width)}  ${f.detail}`;
      return f.advice && f.status !== 'ok' ? `${head}\n      ${' '.repeat(width)}  → ${f.advice}` : head;
    })
    .join('\n');
}

function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected seconds > 0');
  return n;
}

/**
 * Builds `argosy doctor`.
 * @example
 * program.addCommand(makeDoctorCommand());
 */
export function makeDoctorCommand(overrides: Partial<OpsDeps> = {}): Command {
  const deps = opsDeps(overrides);
  const cmd = new Command('doctor')
    .description(
      'check queues, dead letters, the event source, the rest-config store, clusters, the watcher, stuck workflows and artifact repositories',
    )
    .option('--watcher-url <url>', "the watcher's health endpoint base URL (e.g. via kubectl port-forward)")
    .option('--max-age <seconds>', 'oldest acceptable nudge age in the work queue', seconds, 300)
    .option('--no-clusters', 'skip connecting to each configured cluster')
    .option(
      '--resync-period <seconds>',
      'report Pending nodes older than this (default: 30 local, 300 deployed: the resync schedule)',
      seconds,
    )
    .option('--json', 'print findings as JSON');
  withTargetOptions(cmd).action(
    explained(async (flags: DoctorFlags) => {
      const config = loadConfig();
      const target = resolveOpsTarget(flags, config.home);
      // A dev stack that serves the watcher's /healthz may say where (optional field of dev.json).
      const devWatcher = target.kind === 'local' ? (target.state as { watcherUrl?: unknown }).watcherUrl : undefined;
      const watcherUrl = flags.watcherUrl ?? (typeof devWatcher === 'string' ? devWatcher : undefined);
      const nodeStatus = cliNodeStatus(config, target.kind === 'local' ? target.state : undefined);
      const findings = await runDoctor(deps, target, {
        nodeStatus,
        maxAgeSeconds: flags.maxAge,
        secretName: config.secretName,
        secretNamespace: config.controllerNamespace,
        clusters: flags.clusters,
        ...(flags.resyncPeriod ? { resyncSeconds: flags.resyncPeriod } : {}),
        ...(watcherUrl ? { watcherUrl } : {}),
      }).finally(() => nodeStatus?.close());
      const failed = findings.filter((f) => f.status === 'fail').length;
      if (flags.json) deps.io.out(JSON.stringify({ target: target.kind, findings }, null, 2) + '\n');
      else {
        const where =
          target.kind === 'local'
            ? `local stack (argosy dev pid ${target.state.pid})`
            : `AWS ${target.region ?? ''}`.trim();
        deps.io.out(`argosy doctor: ${where}\n${formatFindings(findings)}\n`);
        deps.io.out(failed ? `${failed} problem(s) found\n` : 'no problems found\n');
      }
      deps.setExitCode(failed ? 1 : 0);
    }),
  );
  return cmd;
}
