/**
 * `argosy dev`: the local stack of `argosy run`, kept running. Prints how to reach it (kubeconfig
 * and contexts, queues), writes `<home>/dev.json` so other `argosy` commands find it, and serves a
 * loopback control endpoint (POST /pause, /resume, /resync; GET /state) for the ops commands.
 * Ctrl-C stops everything and removes the state file.
 */
import { Command } from 'commander';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { devStatePath, removeDevState, writeDevState, type DevState } from '../lib/dev-state.ts';
import { LOCAL_STATUS_BUCKET } from '../../adapters/artifacts/node-status-s3.ts';
import { listContexts } from '../../clusters/kubeconfig.ts';
import { contextOf, type CliContext } from '../lib/context.ts';
import { checkPolicyFile, parseClusters, RUNTIMES, startStack, type LocalStack } from '../lib/local-stack.ts';
import { checkOutput } from '../lib/output.ts';

interface DevOpts {
  clusters?: string;
  runtime?: string;
  dataDir?: string;
  policy?: string;
}

/** Serves the control endpoint on 127.0.0.1 (random port). */
export async function startControlServer(stack: LocalStack): Promise<{ server: Server; url: string }> {
  const routes: Record<string, () => Promise<unknown>> = {
    'POST /pause': async () => ({ paused: true, state: await stack.control.pause() }),
    'POST /resume': async () => ({ paused: false, state: await stack.control.resume() }),
    'POST /resync': async () => ({ resynced: true, result: (await stack.resyncNow()) ?? null }),
    'GET /state': async () => ({ state: await stack.control.state() }),
  };
  const server = createServer((req, res) => {
    const route = routes[`${req.method} ${(req.url ?? '').split('?')[0]}`];
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!route) return reply(404, { error: `no route ${req.method} ${req.url}` });
    route().then(
      (body) => reply(200, body),
      (e: unknown) => reply(500, { error: (e as Error).message }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

function banner(state: DevState, contexts: string[], statePath: string, ui: string): string {
  return [
    `Argosy dev stack is running${state.external ? ' against your clusters' : ''}. Ctrl-C stops it.`,
    '',
    `  clusters     ${state.clusters.join(', ')} (main: ${state.mainCluster})`,
    `  kubeconfig   ${state.kubeconfigPath}`,
    `  contexts     ${contexts.join(', ')}`,
    `  namespace    ${state.namespace}`,
    `  sqs          ${state.sqsEndpoint}`,
    `  work queue   ${state.queueUrls.work}`,
    `  dlq          ${state.queueUrls.dlq}`,
    `  timer queue  ${state.queueUrls.timer}`,
    `  control      ${state.controlUrl}  (npx argosy controller pause|resume, npx argosy resync)`,
    `  ui           ${ui}`,
    `  state file   ${statePath}`,
    '',
    'Try, in another terminal of this checkout (`npm link` puts `argosy` on the PATH instead of npx):',
    '  npx argosy submit --watch examples/multi-cluster.yaml',
    `  KUBECONFIG=${state.kubeconfigPath} kubectl get wf -n ${state.namespace}`,
    `  KUBECONFIG=${state.kubeconfigPath} kubectl --context ${contexts.find((c) => c !== state.mainContext) ?? state.mainContext} get pods -A`,
    '',
  ].join('\n');
}

/** Embedded clusters, or (with --kubeconfig) only the controller half against the user's clusters. */
async function startForDev(
  ctx: CliContext,
  opts: DevOpts,
  runtime: 'process' | 'sim',
  policy: string | undefined,
): Promise<{ stack: LocalStack; clusters: string[]; mainContext: string }> {
  const external = ctx.globals.kubeconfig;
  if (external) {
    const { startKubeconfigController } = await import('../lib/local-controller.ts');
    const c = await startKubeconfigController({
      kubeconfig: external,
      context: ctx.globals.context,
      mainCluster: ctx.config.clusterName,
      logger: ctx.logger,
      policy,
    });
    const others = (await c.registry.targets()).map((t) => t.cluster).filter((n) => n !== c.mainCluster);
    return { stack: c, clusters: [c.mainCluster, ...new Set(others)], mainContext: c.mainContext };
  }
  const clusters = parseClusters(opts.clusters, ctx.config.clusterName, []);
  // As with --kubeconfig, the functions honour the ARGOSY_* settings of docs/configuration.md.
  const stack = await startStack({
    clusters,
    runtime,
    logger: ctx.logger,
    policy: opts.policy,
    dataDir: opts.dataDir,
    readEnv: true,
  });
  const names = listContexts(stack.kubeconfigPath);
  return { stack, clusters, mainContext: names.find((c) => c === stack.mainCluster) ?? names[0] ?? stack.mainCluster };
}

/**
 * The web UI on a free loopback port, over this stack (its kubeconfig and main context). Never fatal:
 * an unbuilt UI or any other problem becomes the banner line saying so.
 */
async function startDevUi(ctx: CliContext, state: DevState): Promise<{ line: string; stop: () => Promise<void> }> {
  const { attachNodeStatus, resolveTarget } = await import('../lib/kube-target.ts');
  const { startUi } = await import('./ui.ts');
  const scoped: CliContext = {
    ...ctx,
    globals: {
      ...ctx.globals,
      kubeconfig: state.kubeconfigPath,
      context: state.mainContext,
      namespace: state.namespace,
    },
  };
  let target;
  try {
    target = attachNodeStatus(scoped, await resolveTarget(scoped), state);
    const ui = await startUi(scoped, target, 0);
    const t = target;
    return { line: ui.loginUrl, stop: async () => (await ui.close(), t.close()) };
  } catch (e) {
    target?.close();
    return { line: `not started: ${(e as Error).message} (npm run build:ui, then argosy ui)`, stop: async () => {} };
  }
}

/** Waits for Ctrl-C or SIGTERM, then stops the stack (a second signal exits at once). */
async function untilStopped(ctx: CliContext, stack: LocalStack, stopServers: () => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  ctx.io.err('argosy: stopping the local stack\n');
  // A second Ctrl-C while stopping exits at once; the exit hooks still stop the containers and
  // remove the temporary folder holding the admin kubeconfig.
  const exitNow = (): never => process.exit(130);
  process.once('SIGINT', exitNow);
  process.once('SIGTERM', exitNow);
  removeDevState(ctx.config.home);
  await stopServers();
  try {
    await stack.stop();
  } catch (e) {
    ctx.io.err(`argosy: stopping: ${(e as Error).message}\n`);
  }
}

export function makeDevCommand(): Command {
  return new Command('dev')
    .description(
      'run the local stack (clusters, queue, watcher, functions) until Ctrl-C; with --kubeconfig, drive those clusters instead',
    )
    .option('--clusters <names>', 'local clusters, comma-separated', 'main,other')
    .option('--runtime <runtime>', 'process: run pod commands as local processes; sim: simulate them', 'process')
    .option('--policy <file>', 'placement policy (YAML/JSON) instead of the default')
    .option('--data-dir <dir>', 'keep the local stack files here (default: a temporary directory)')
    .action(async (opts: DevOpts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const runtime = checkOutput(opts.runtime, RUNTIMES, 'process');
      const policy = opts.policy ? checkPolicyFile(opts.policy) : undefined;
      const { stack, clusters, mainContext } = await startForDev(ctx, opts, runtime, policy);
      const { server, url } = await startControlServer(stack);
      const contexts = listContexts(stack.kubeconfigPath);
      const state: DevState = {
        pid: process.pid,
        kubeconfigPath: stack.kubeconfigPath,
        mainContext,
        mainCluster: stack.mainCluster,
        namespace: ctx.globals.namespace || 'argo',
        clusters,
        sqsEndpoint: stack.sqsEndpoint,
        statusBucket: LOCAL_STATUS_BUCKET,
        queueUrls: stack.queueUrls,
        controlUrl: url,
        startedAt: new Date().toISOString(),
        ...(ctx.globals.kubeconfig ? { external: true } : {}),
      };
      writeDevState(ctx.config.home, state);
      const ui = await startDevUi(ctx, state);
      ctx.io.out(banner(state, contexts, devStatePath(ctx.config.home), ui.line));
      await untilStopped(ctx, stack, () => (server.close(), ui.stop()));
    });
}
