/**
 * `argosy cluster`: manage rest-config entries (add, list, rm) and check that they work (check).
 * Output goes to an injected {@link ClusterCliIo}, so tests run the command object in-process.
 *
 * @example
 * program.addCommand(makeClusterCommand());
 */
import { STORE_KINDS } from '../../clusters/stores/kinds.ts';
import { Command, Option } from 'commander';
import { loadConfig, type Config } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import { addEntry, removeEntry } from './cluster-add.ts';
import { checkEntries } from './cluster-check.ts';
import { listEntries } from './cluster-list.ts';
import { isCliError } from '../lib/errors.ts';
import type { ClusterCliContext, ClusterCliIo, StoreFlags } from '../lib/cluster-context.ts';
import { readDevState } from '../lib/dev-state.ts';

export type { ClusterCliContext, ClusterCliIo, StoreFlags } from '../lib/cluster-context.ts';

function withStoreFlags(cmd: Command): Command {
  return cmd
    .option(
      '--kubeconfig <file>',
      'kubeconfig file (default: $KUBECONFIG, then a running argosy dev, then ~/.kube/config)',
    )
    .option('--context <name>', "the main cluster's kubeconfig context (default: current context)")
    .addOption(new Option('--store <kind>', 'secret store holding the entries').choices(STORE_KINDS))
    .option('-n, --namespace <ns>', 'namespace of the rest-config Secret (default: the controller namespace)');
}

const defaultIo = (): ClusterCliIo => ({
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
  exitCode: 0,
});

/**
 * Without `--kubeconfig` or `KUBECONFIG`, a running `argosy dev` is the main cluster, as for every
 * other command: its kubeconfig, main context and cluster name.
 */
function withDevStack(config: Config, flags: StoreFlags, env: Record<string, string | undefined>): Config {
  if (config.kubeconfig) return config;
  const dev = readDevState(config.home);
  if (!dev) return config;
  flags.context ??= dev.mainContext;
  const overrides = { kubeconfig: dev.kubeconfigPath, clusterName: dev.mainCluster };
  return loadConfig({ ...overrides, ...(flags.store ? { secretStore: flags.store } : {}), ...nsOverride(flags) }, env);
}

const nsOverride = (flags: StoreFlags) => (flags.namespace ? { controllerNamespace: flags.namespace } : {});

/** Runs an action with the resolved context; errors become one `error: ...` line and an exit code. */
function action<A extends unknown[]>(
  io: ClusterCliIo,
  fn: (ctx: ClusterCliContext, ...args: A) => Promise<number | void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const flags = cmd.opts<StoreFlags>();
    try {
      const overrides: Partial<Record<keyof Config, unknown>> = {};
      if (flags.store) overrides.secretStore = flags.store;
      if (flags.namespace) overrides.controllerNamespace = flags.namespace;
      if (flags.kubeconfig) overrides.kubeconfig = flags.kubeconfig;
      const config = withDevStack(loadConfig(overrides, io.env ?? process.env), flags, io.env ?? process.env);
      const logger = io.logger ?? createLogger({ level: config.logLevel === 'INFO' ? 'WARN' : config.logLevel });
      const code = await fn({ io, flags, config, logger }, ...(args.slice(0, -2) as A));
      if (code) io.exitCode = code;
    } catch (e) {
      io.err(`error: ${(e as Error).message}`);
      io.exitCode = isCliError(e) ? e.exitCode : (e as { name?: string }).name === 'ConfigError' ? 2 : 1;
    }
    if (io === defaultIoSingleton) process.exitCode = io.exitCode;
  };
}

let defaultIoSingleton: ClusterCliIo | undefined;

/** Builds the `cluster` command; pass `io` to capture output (tests), omit it for the real CLI. */
export function makeClusterCommand(io?: ClusterCliIo): Command {
  const sink = io ?? (defaultIoSingleton ??= defaultIo());
  const cluster = new Command('cluster').description(
    'manage the clusters and namespaces workflow pods may run in (rest-config entries)',
  );
  withStoreFlags(
    cluster
      .command('add')
      .description(
        'add or replace the entry KEY (cluster.namespace, or cluster. for all namespaces) from a kube context',
      )
      .argument('<key>', 'e.g. other.argo, other. (trailing dot: every namespace), or other/argo')
      .argument('<kube-context>', 'kubeconfig context holding the credentials for that cluster')
      .option(
        '-l, --label <key=value>',
        "the cluster's label, for templates' placement.clusterSelector (repeatable)",
        (v: string, all: string[]) => [...all, v],
        [] as string[],
      ),
  ).action(
    action(sink, (ctx, key: string, context: string) =>
      addEntry(ctx, key, context, (ctx.flags as { label?: string[] }).label ?? []),
    ),
  );
  withStoreFlags(
    cluster.command('list').alias('ls').description('list entries (keys, hosts, auth kind; no secrets)'),
  ).action(action(sink, (ctx) => listEntries(ctx)));
  withStoreFlags(cluster.command('rm').description('remove the entry KEY').argument('<key>')).action(
    action(sink, (ctx, key: string) => removeEntry(ctx, key)),
  );
  withStoreFlags(
    cluster
      .command('check')
      .description('connect with each entry (or KEY) and check it may run workflow pods in its scope')
      .argument('[key]'),
  ).action(action(sink, (ctx, key: string | undefined) => checkEntries(ctx, key)));
  return cluster;
}

/**
 * Runs `argosy cluster ...` in-process and returns the exit code (test harness and cluster-main.ts).
 *
 * @example
 * const io = { out: (l) => lines.push(l), err: (l) => errs.push(l), exitCode: 0 };
 * const code = await runClusterCli(['list', '--context', 'main'], io);
 */
export async function runClusterCli(argv: string[], io: ClusterCliIo): Promise<number> {
  const cmd = makeClusterCommand(io);
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
  for (const sub of cmd.commands) {
    sub.exitOverride();
    sub.configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
    });
  }
  try {
    await cmd.parseAsync(argv, { from: 'user' });
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return code === undefined ? 1 : code === 0 ? 0 : 2;
  }
  return io.exitCode;
}
