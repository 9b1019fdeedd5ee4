/**
 * The per-cluster part of `argosy doctor`: for each rest-config entry, connect with it and ask the
 * API server (SelfSubjectAccessReview) whether it may manage pods in its scope and whether pods there run
 * for Argo's executor. Same questions and diagnoses as `argosy cluster check` (src/cli/commands/cluster-check.ts),
 * returned as findings.
 *
 * In AWS, entries in IAM-token mode are signed with the operator's AWS identity here, not the
 * function role's: reachability is real, the permission answer is the operator's (said in the finding).
 */
import { isKubeApiError } from '../../adapters/kube/errors.ts';
import { canI, getServerVersion } from '../../adapters/kube/resources.ts';
import { clientFromEntry } from '../../clusters/client-from-entry.ts';
import { authKindOf, parseEntry, type RestConfigEntry } from '../../clusters/entry.ts';
import { parseKey } from '../../clusters/keys.ts';
import type { StoreSnapshot } from '../../clusters/stores/types.ts';
import type { KubeClient } from '../../ports/kube.ts';
import { silentLogger } from '../../logger.ts';
import { diagnoseFailure } from './cluster-check.ts';
import { executorReport } from '../lib/cluster-executor.ts';
import type { Finding } from './doctor-checks.ts';

/** What the reconcile function needs in a target scope (the rights infra/k8s/remote-cluster/rbac.yaml grants). */
const NEEDED = [
  ...['create', 'get', 'list', 'watch', 'patch', 'delete'].map((verb) => ({
    verb,
    resource: 'pods',
    label: `${verb} pods`,
  })),
  { verb: 'get', resource: 'pods', subresource: 'log', label: 'get pods/log' },
];

async function checkEntry(key: string, raw: unknown): Promise<Finding> {
  const check = `cluster ${key}`;
  let entry;
  let kube;
  try {
    entry = parseEntry(key, raw, { logger: silentLogger });
    kube = clientFromEntry(parseKey(key).cluster, entry, { logger: silentLogger });
  } catch (e) {
    return {
      check,
      status: 'fail',
      detail: `invalid entry: ${(e as Error).message}`,
      advice: `re-add it: argosy cluster add ${key} <context>`,
    };
  }
  const { cluster, namespace } = parseKey(key);

  const scope = namespace ? `namespace ${namespace}` : 'all namespaces';
  const iam = authKindOf(entry) === 'aws-iam' ? ' (IAM token signed as you, not the function role)' : '';
  try {
    const v = await getServerVersion(kube);
    const server = `${kube.server} (${v.gitVersion ?? `${v.major}.${v.minor}`})`;
    const answers = await Promise.all(NEEDED.map((q) => canI(kube, { ...q, namespace }))).catch(async (e: unknown) => {
      if (!isKubeApiError(e) || e.statusCode !== 403) throw e;
      return undefined;
    });
    if (!answers) return listProbe(kube, check, server, namespace, scope);
    const missing = NEEDED.filter((_, i) => !answers[i]!.allowed).map((q) => q.label);
    if (missing.length === 0) return executorFinding(key, `${server}: may manage pods in ${scope}${iam}`, kube, entry);
    return {
      check,
      status: 'fail',
      detail: `${server}: missing in ${scope}: ${missing.join(', ')}${iam}`,
      advice: `apply infra/k8s/${namespace ? 'remote-namespace' : 'remote-cluster'} in cluster ${cluster} (or the EKS access entry's policy)`,
    };
  } catch (e) {
    return {
      check,
      status: 'fail',
      detail: `${kube.server}: ${diagnoseFailure(e)}`,
      advice: 'check networking to the API endpoint (security groups, CIDR allow-list) and the credential',
    };
  } finally {
    kube.close();
  }
}

/** The pod finding, with what `argosy cluster check` says about Argo's executor there (a warning when pods-only for lack of rights). */
async function executorFinding(
  key: string,
  detail: string,
  kube: KubeClient,
  entry: RestConfigEntry,
): Promise<Finding> {
  const check = `cluster ${key}`;
  const { cluster, namespace } = parseKey(key);
  const report = await executorReport(kube, namespace, entry);
  const line = report.line.trim();
  if (report.ok) return { check, status: 'ok', detail: `${detail}; ${line}` };
  return {
    check,
    status: 'warn',
    detail: `${detail}; ${line}`,
    advice: `apply infra/k8s/${namespace ? 'remote-namespace' : 'remote-cluster'} in cluster ${cluster} for artifacts and Argo's executor there`,
  };
}

/**
 * When the identity may not ask about itself (SelfSubjectAccessReview forbidden — real clusters grant
 * it to every authenticated user, some hardened ones do not), list one pod instead: that proves the
 * credential is accepted and one needed verb works, and says the others went unchecked.
 */
async function listProbe(
  kube: KubeClient,
  check: string,
  server: string,
  namespace: string,
  scope: string,
): Promise<Finding> {
  const path = namespace ? `/api/v1/namespaces/${namespace}/pods` : '/api/v1/pods';
  try {
    await kube.request({ method: 'GET', path, query: { limit: 1 } });
    return {
      check,
      status: 'warn',
      detail: `${server}: may list pods in ${scope}; other verbs unchecked (SelfSubjectAccessReview is forbidden)`,
      advice: 'allow the identity to create selfsubjectaccessreviews (ClusterRole system:basic-user) for a full check',
    };
  } catch (e) {
    return {
      check,
      status: 'fail',
      detail: `${server}: ${diagnoseFailure(e)}`,
      advice: 'grant the RBAC in infra/k8s/remote-*',
    };
  }
}

/** One finding per entry, checked in parallel. */
export async function checkClusters(snapshot: StoreSnapshot | undefined): Promise<Finding[]> {
  if (!snapshot) return [];
  const keys = [...snapshot.entries.keys()].sort();
  return Promise.all(keys.map((k) => checkEntry(k, snapshot.entries.get(k))));
}
