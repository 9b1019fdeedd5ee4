/**
 * The one place that reads the environment. Everything else receives a frozen, typed {@link Config}.
 *
 * Resolution order: explicit overrides passed to {@link loadConfig} (CLI flags, tests), then
 * `process.env`, then the defaults below.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS label: lower-case letters, digits and "-", at most 63');

export const ConfigSchema = z
  .object({
    /** Unique name of the main cluster (seed erratum 5). Shared by watcher and functions. */
    clusterName: dnsLabel.default('main'),
    /** Namespace of the controller: where Secret `rest-config` lives in the kubernetes store. */
    controllerNamespace: dnsLabel.default('argo'),
    /** Argo's controller-instanceid; empty = none. */
    instanceId: z.string().default(''),
    /** Only watch/reconcile workflows of this namespace (namespaced install); empty = all. */
    managedNamespace: z.string().default(''),
    secretStore: z.enum(['kubernetes', 'aws-secretsmanager']).default('kubernetes'),
    /** Name of the Kubernetes Secret, or the Secrets Manager secret id. */
    secretName: z.string().min(1).default('rest-config'),
    /** How long functions cache rest-config entries (ms); a rotation takes effect within it. */
    secretCacheMs: z.coerce.number().int().min(0).default(30_000),
    /** Placement policy document (YAML or JSON); empty = the default policy. */
    placementPolicy: z.string().default(''),
    queueUrl: z.string().default(''),
    timerQueueUrl: z.string().default(''),
    deadLetterQueueUrl: z.string().default(''),
    podNameFormat: z.enum(['v1', 'v2']).default('v2'),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
    /** For the main cluster when not in-cluster: a kubeconfig path (local mode, CLI). */
    kubeconfig: z.string().default(''),
    /** In-cluster API server address, set by the kubelet in every pod (empty outside a pod). */
    kubernetesServiceHost: z.string().default(''),
    kubernetesServicePort: z.string().default(''),
    /** Where the pod's service account token and CA are mounted (in-cluster main client). */
    serviceAccountDir: z.string().default('/var/run/secrets/kubernetes.io/serviceaccount'),
    /** The CLI's own directory (the `argosy dev` state file, local data). */
    home: z.string().default(join(homedir(), '.argosy')),
    /** Watcher: address of /healthz and /metrics (`host:port`; loopback by default). */
    watcherListen: z.string().default('127.0.0.1:9090'),
    /** Watcher: how often rest-config targets are re-read to add/remove/restart pod watches (ms). */
    watcherTargetsPollMs: z.coerce.number().int().min(100).default(30_000),
    /** Kubernetes Events the reconcile records: none, important (workflow-level + node failures), all. */
    events: z.enum(['none', 'important', 'all']).default('important'),
    /** Pod creates per reconcile; a wider fan-out continues in the next reconcile at once. */
    maxPodCreates: z.coerce.number().int().min(1).default(200),
  })
  .strict();

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
  events: 'ARGOSY_EVENTS',
  maxPodCreates: 'ARGOSY_MAX_POD_CREATES',
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
