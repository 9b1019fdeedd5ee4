/**
 * The one place that reads the environment. Everything else receives a frozen, typed {@link Config}.
 *
 * Resolution order: explicit overrides passed to {@link loadConfig} (CLI flags, tests), then
 * `process.env`, then the defaults below.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
// zod/mini, not zod: the Lambda bundles import this module, and full zod is several times larger and slower
// to load (bundle sizes and import times: docs/performance.md). './zod-en.ts' keeps full zod's English messages.
import * as z from 'zod/mini';
import './zod-en.ts';
import { STORE_KINDS } from './clusters/stores/kinds.ts';

const dnsLabel = z
  .string()
  .check(
    z.regex(
      /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
      'must be a DNS label: lower-case letters, digits and "-", at most 63',
    ),
  );

/** An integer setting given as text (environment) or number (overrides), at least `min`. */
const integer = (min: number, fallback: number) =>
  z._default(z.pipe(z.coerce.number(), z.int().check(z.minimum(min))), fallback);
const text = (fallback = '') => z._default(z.string(), fallback);
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z._default(z.enum(values), fallback);

function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return !!v && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** The controller's namespace by default: its own, apart from the namespaces workflows run in. */
export const DEFAULT_CONTROLLER_NAMESPACE = 'argosy-system';

export const ConfigSchema = z.strictObject({
  /** Unique name of the main cluster (rest-config keys and pod labels use it). Shared by watcher and functions. */
  clusterName: z._default(dnsLabel, 'main'),
  /**
   * Namespace of the controller: where Secret `rest-config` lives in the kubernetes store. Its own
   * namespace, never one workflows run in (workflow pods are refused there).
   */
  controllerNamespace: z._default(dnsLabel, DEFAULT_CONTROLLER_NAMESPACE),
  /** Argo's controller-instanceid; empty = none. */
  instanceId: text(),
  /** Only watch/reconcile workflows of this namespace (namespaced install); empty = all. */
  managedNamespace: text(),
  secretStore: oneOf(STORE_KINDS, 'kubernetes'),
  /** Name of the Kubernetes Secret, or the Secrets Manager secret id. */
  secretName: z._default(z.string().check(z.minLength(1)), 'rest-config'),
  /** How long functions cache rest-config entries (ms); a rotation takes effect within it. */
  secretCacheMs: integer(0, 30_000),
  /** Placement policy document (YAML or JSON); empty = the default policy. */
  placementPolicy: text(),
  queueUrl: text(),
  timerQueueUrl: text(),
  deadLetterQueueUrl: text(),
  podNameFormat: oneOf(['v1', 'v2'], 'v2'),
  logLevel: oneOf(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'], 'INFO'),
  /** For the main cluster when not in-cluster: a kubeconfig path (local mode, CLI). */
  kubeconfig: text(),
  /** In-cluster API server address, set by the kubelet in every pod (empty outside a pod). */
  kubernetesServiceHost: text(),
  kubernetesServicePort: text(),
  /** Where the pod's service account token and CA are mounted (in-cluster main client). */
  serviceAccountDir: text('/var/run/secrets/kubernetes.io/serviceaccount'),
  /** The CLI's own directory (the `argosy dev` state file, local data). */
  home: text(join(homedir(), '.argosy')),
  /** Watcher: address of /healthz and /metrics (`host:port`; loopback by default). */
  watcherListen: text('127.0.0.1:9090'),
  /** Watcher: how often rest-config targets are re-read to add/remove/restart pod watches (ms). */
  watcherTargetsPollMs: integer(100, 30_000),
  /** Watcher: how long a pod's start changes (bound, waiting, running) wait for it to end (ms; 0 = never). */
  watcherPodStartHoldMs: integer(0, 1000),
  /** Kubernetes Events the reconcile records: none, important (workflow-level + node failures), all. */
  events: oneOf(['none', 'important', 'all'], 'important'),
  /** Functions: `emf` prints each invocation's counters as a CloudWatch Embedded Metric Format line. */
  metrics: oneOf(['none', 'emf'], 'none'),
  /** Pod creates per reconcile; a wider fan-out continues in the next reconcile at once. */
  maxPodCreates: integer(1, 200),
  /**
   * How long a step waits for a cluster that fails for now (unreachable, 5xx, 429, 401) before its
   * node ends Error (ms); 0 = the workflow's activeDeadlineSeconds, else one hour.
   */
  transientTimeoutMs: integer(0, 0),
  /**
   * How long a rest-config entry that disappeared from the store is still used by a running process
   * (ms; 0 = at once). Nodes in a place without credentials wait ("cannot observe cluster …") either way.
   */
  removedEntryGraceMs: integer(0, 300_000),
  /** The Lambda runtime's region and credentials: the functions' thin SQS client signs with them. */
  awsRegion: text(),
  awsAccessKeyId: text(),
  awsSecretAccessKey: text(),
  awsSessionToken: text(),
  /** SQS endpoint override (an emulator); empty = the queue URL's host. */
  sqsEndpoint: text(),
  /** Secrets Manager endpoint override (an emulator); empty = `secretsmanager.<region>.amazonaws.com`. */
  secretsManagerEndpoint: text(),
  /**
   * Pods for Argo's executor (`argo`), pods-only (`pods`), or per place by discovery of
   * workflowtaskresults.argoproj.io (`auto`); a rest-config entry's `Executor` field overrides it.
   */
  executorMode: oneOf(['auto', 'argo', 'pods'], 'auto'),
  /** The argoexec image of executor pods' init and wait containers. */
  executorImage: text('quay.io/argoproj/argoexec:v4.1.2'),
  /** `resources` of executor pods' init and wait containers, as JSON (Argo's `executor.resources`); empty = none. */
  executorResources: z._default(
    z
      .string()
      .check(z.refine((s) => s === '' || isJsonObject(s), 'must be a JSON object such as {"requests":{"cpu":"10m"}}')),
    '',
  ),
  /**
   * S3 bucket for offloaded node status (Argo's node status offload): workflows whose nodes do not fit
   * in the object even compressed keep them there. Empty = no offload (such workflows end with phase Error).
   */
  statusBucket: text(),
  /** S3 endpoint override (an emulator); empty = AWS. */
  s3Endpoint: text(),
  /** Argo's MAX_WORKFLOW_SIZE: above this many bytes nodes are compressed, then offloaded. */
  maxWorkflowSize: integer(1024, 1024 * 1024),
  /** Argo's ALWAYS_OFFLOAD_NODE_STATUS: offload nodes of every workflow (with a bucket). */
  alwaysOffloadNodeStatus: oneOf(['false', 'true'], 'false'),
  /**
   * CronWorkflows: how late (s) a scheduled run may still start as on time; at least the evaluation
   * period (AWS: one minute). Older due runs are missed runs (startingDeadlineSeconds decides).
   */
  cronGraceSeconds: integer(1, 120),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

const ENV_NAMES: Record<keyof z.infer<typeof ConfigSchema>, string> = {
  clusterName: 'ARGOSY_CLUSTER_NAME',
  controllerNamespace: 'ARGOSY_NAMESPACE',
  instanceId: 'ARGOSY_INSTANCE_ID',
  managedNamespace: 'ARGOSY_MANAGED_NAMESPACE',
  secretStore: 'ARGOSY_SECRET_STORE',
  secretName: 'ARGOSY_SECRET_NAME',
  secretCacheMs: 'ARGOSY_SECRET_CACHE_MS',
  placementPolicy: 'ARGOSY_PLACEMENT_POLICY',
  queueUrl: 'ARGOSY_QUEUE_URL',
  timerQueueUrl: 'ARGOSY_TIMER_QUEUE_URL',
  deadLetterQueueUrl: 'ARGOSY_DLQ_URL',
  podNameFormat: 'POD_NAMES',
  logLevel: 'ARGOSY_LOG_LEVEL',
  kubeconfig: 'KUBECONFIG',
  kubernetesServiceHost: 'KUBERNETES_SERVICE_HOST',
  kubernetesServicePort: 'KUBERNETES_SERVICE_PORT',
  serviceAccountDir: 'ARGOSY_SERVICE_ACCOUNT_DIR',
  home: 'ARGOSY_HOME',
  watcherListen: 'ARGOSY_WATCHER_LISTEN',
  watcherTargetsPollMs: 'ARGOSY_WATCHER_TARGETS_POLL_MS',
  watcherPodStartHoldMs: 'ARGOSY_WATCHER_POD_START_HOLD_MS',
  events: 'ARGOSY_EVENTS',
  metrics: 'ARGOSY_METRICS',
  maxPodCreates: 'ARGOSY_MAX_POD_CREATES',
  transientTimeoutMs: 'ARGOSY_TRANSIENT_TIMEOUT_MS',
  removedEntryGraceMs: 'ARGOSY_REMOVED_ENTRY_GRACE_MS',
  awsRegion: 'AWS_REGION',
  awsAccessKeyId: 'AWS_ACCESS_KEY_ID',
  awsSecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  awsSessionToken: 'AWS_SESSION_TOKEN',
  sqsEndpoint: 'AWS_ENDPOINT_URL_SQS',
  secretsManagerEndpoint: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  executorMode: 'ARGOSY_EXECUTOR',
  executorImage: 'ARGOSY_EXECUTOR_IMAGE',
  executorResources: 'ARGOSY_EXECUTOR_RESOURCES',
  cronGraceSeconds: 'ARGOSY_CRON_GRACE_SECONDS',
  statusBucket: 'ARGOSY_STATUS_BUCKET',
  s3Endpoint: 'AWS_ENDPOINT_URL_S3',
  maxWorkflowSize: 'MAX_WORKFLOW_SIZE',
  alwaysOffloadNodeStatus: 'ALWAYS_OFFLOAD_NODE_STATUS',
};

/** The environment variable behind each setting (for docs and error messages). */
export const configEnvNames: Readonly<typeof ENV_NAMES> = Object.freeze({ ...ENV_NAMES });

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the configuration once. Unknown override keys are rejected; invalid values throw a
 * {@link ConfigError} naming the environment variable and what is wrong.
 */
export function loadConfig(
  overrides: Partial<Record<keyof Config, unknown>> = {},
  env: Record<string, string | undefined> = process.env,
): Config {
  const raw: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(ENV_NAMES)) {
    const value = env[envName];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  Object.assign(raw, overrides);
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      const envName = ENV_NAMES[key as keyof typeof ENV_NAMES];
      return `${key}${envName ? ` (${envName})` : ''}: ${i.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return Object.freeze(parsed.data);
}
