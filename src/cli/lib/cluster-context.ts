/**
 * What every `argosy cluster` subcommand receives (cluster.ts builds it), in its own module so the
 * subcommands do not import the command that imports them.
 */
import type { StoreKind } from '../../clusters/stores/kinds.ts';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import type { SecretsManagerLike } from '../../clusters/stores/aws-secretsmanager.ts';

/** Where the command writes, and how it reads configuration (tests inject all of it). */
export interface ClusterCliIo {
  out(line: string): void;
  err(line: string): void;
  /** Set by failing actions (1 = failure, 2 = usage/configuration). */
  exitCode: number;
  env?: Record<string, string | undefined>;
  secretsManager?: SecretsManagerLike;
  logger?: Logger;
}

/** Options every subcommand accepts (which store, where the main cluster is). */
export interface StoreFlags {
  kubeconfig?: string;
  context?: string;
  store?: StoreKind;
  namespace?: string;
}

/** The resolved pieces an action needs. */
export interface ClusterCliContext {
  io: ClusterCliIo;
  flags: StoreFlags;
  config: Config;
  logger: Logger;
}
