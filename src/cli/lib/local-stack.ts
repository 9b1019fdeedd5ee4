/**
 * The CLI's view of the embedded local stack (src/local/stack.ts): start it with the options the
 * user gave, and get the main cluster's client from it. Loaded lazily so commands that talk to a
 * running stack or real clusters never pay for (or depend on) the embedded one.
 */
import { resolve } from 'node:path';
import { loadPlacementPolicy } from '../../clusters/policy.ts';
import type { Logger } from '../../logger.ts';
import type { ClusterRegistry, KubeClient } from '../../ports/kube.ts';
import type { Workflow } from '../../engine/types.ts';
import type * as StackModuleNs from '../../local/stack.ts';
import { failure, usageError } from './errors.ts';

type StackModule = typeof StackModuleNs;

/** What `startLocalStack` returns, as much as the CLI uses. */
export interface LocalStack {
  clusters: unknown;
  kubeconfigPath: string;
  mainCluster: string;
  sqsEndpoint: string;
  queueUrls: { work: string; dlq: string; timer: string };
  control: { pause(): unknown; resume(): unknown; state(): unknown };
  registry: ClusterRegistry;
  mainClient?: KubeClient;
  submit(wf: Workflow, namespace?: string): Promise<Workflow>;
  resyncNow(): Promise<unknown>;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  clusters: string[];
  runtime: 'process' | 'sim';
  dataDir?: string;
  logger: Logger;
  policy?: string;
  /** The functions read `ARGOSY_*` settings (executor resources, transient bound, ...) from the environment. */
  readEnv?: boolean;
}

export const RUNTIMES = ['process', 'sim'] as const;

/** Parses `--clusters main,other`; the main cluster always comes first. */
export function parseClusters(value: string | undefined, main: string, referenced: string[]): string[] {
  const given = value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : referenced;
  for (const c of given) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(c)) {
      throw usageError(`--clusters: "${c}" is not a valid cluster name`, 'use DNS labels, e.g. --clusters main,other');
    }
  }
  return [main, ...given.filter((c) => c !== main)];
}

/** Checks a `--policy` file now (exit 2), so a typo does not surface as a failed step later. */
export function checkPolicyFile(file: string): string {
  const path = resolve(file);
  try {
    loadPlacementPolicy(path);
  } catch (e) {
    const cause = (e as Error).cause as Error | undefined;
    throw usageError(`--policy ${file}: ${(e as Error).message}${cause ? ` (${cause.message})` : ''}`);
  }
  return path;
}

/** Starts the embedded stack (exit 1 with a clear message if it cannot). */
export async function startStack(opts: LocalStackOptions): Promise<LocalStack> {
  // Imported on demand: only `run` and `dev` need the embedded stack (and its start-up cost).
  let mod: StackModule;
  try {
    mod = await import('../../local/stack.ts');
  } catch (e) {
    throw failure(`the embedded local stack could not load: ${(e as Error).message.split('\n')[0]}`, undefined, e);
  }
  return mod.startLocalStack({
    clusters: opts.clusters,
    runtime: opts.runtime,
    logger: opts.logger,
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.readEnv ? { readEnv: true } : {}),
    // The stack reads the policy like the functions do: config.placementPolicy (a file path here).
    ...(opts.policy ? { config: { placementPolicy: checkPolicyFile(opts.policy) } } : {}),
  });
}
