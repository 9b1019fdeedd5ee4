/**
 * `argosy doctor`'s look at the rest-config store: readable, how many entries (keys only, never
 * values), which keys are invalid. Returns the snapshot for the per-cluster checks.
 */
import { clientFromKubeconfig } from '../../clusters/kubeconfig.ts';
import { runKubeconfigPlugin } from '../../clusters/kubeconfig-plugin.ts';
import { createSecretStore } from '../../clusters/stores/factory.ts';
import type { SecretStore, StoreSnapshot } from '../../clusters/stores/types.ts';
import { workflowCrdProblem } from '../../clusters/workflow-crd.ts';
import { errText, type Finding } from './doctor-checks.ts';
import type { OpsDeps } from '../lib/ops-deps.ts';
import type { LocalTarget, OpsTarget } from '../lib/deployment-target.ts';

/** Reads the rest-config store the functions use; returns its snapshot for the cluster checks. */
export async function checkSecret(
  deps: OpsDeps,
  t: OpsTarget,
  secretName: string,
  secretNamespace: string,
): Promise<{ findings: Finding[]; snapshot?: StoreSnapshot }> {
  const check = 'rest-config';
  try {
    const store = targetStore(deps, t, secretName, secretNamespace);
    if (!store)
      return { findings: [{ check, status: 'skip', detail: 'no secret id', advice: 'pass --secret-id or --outputs' }] };
    const snapshot = await store.load();
    return { findings: storeFindings(store.location, snapshot), snapshot };
  } catch (e) {
    const advice =
      t.kind === 'local' ? 'is `argosy dev` healthy?' : 'check the secret id, region and secretsmanager:GetSecretValue';
    return { findings: [{ check, status: 'fail', detail: errText(e), advice }] };
  }
}

/** The store the target's functions read: the dev stack's Secret, or the AWS secret when its id is known. */
function targetStore(
  deps: OpsDeps,
  t: OpsTarget,
  secretName: string,
  secretNamespace: string,
): SecretStore | undefined {
  if (t.kind === 'local') {
    return createSecretStore('kubernetes', {
      secretName,
      namespace: secretNamespace,
      mainClient: async () => (await localMainClient(t)).client,
    });
  }
  if (!t.secretId) return undefined;
  return createSecretStore('aws-secretsmanager', {
    secretName: t.secretId,
    namespace: '',
    secretsManager: deps.secrets(t.region),
  });
}

/** How many entries (keys only, never values) and which keys are invalid. */
function storeFindings(location: string, snapshot: StoreSnapshot): Finding[] {
  const check = 'rest-config';
  const keys = [...snapshot.entries.keys()].sort();
  const findings: Finding[] = [
    keys.length
      ? {
          check,
          status: 'ok',
          detail: `${location}: ${keys.length} entr${keys.length === 1 ? 'y' : 'ies'} (${keys.join(', ')})`,
        }
      : {
          check,
          status: 'warn',
          detail: `${location}: no entries`,
          advice: 'register clusters: `argosy cluster add other. <context>`',
        },
  ];
  for (const bad of snapshot.invalidKeys) {
    findings.push({
      check,
      status: 'warn',
      detail: `invalid key "${bad.key}": ${bad.problem}`,
      advice: 'keys are cluster.namespace or cluster. (no other characters)',
    });
  }
  return findings;
}

/** A client of the dev stack's main cluster, from the kubeconfig its state file names. */
function localMainClient(t: LocalTarget): ReturnType<typeof clientFromKubeconfig> {
  return clientFromKubeconfig({
    kubeconfig: t.state.kubeconfigPath,
    context: t.state.mainContext,
    cluster: t.state.mainCluster,
    plugins: runKubeconfigPlugin,
  });
}

/**
 * The Workflow CRD of the main cluster keeps templates' clusterName/namespace (Argo's structural
 * "full" CRD would prune them). Local targets only: an AWS target has no main-cluster kubeconfig here.
 */
export async function checkWorkflowCrd(t: OpsTarget): Promise<Finding[]> {
  const check = 'workflow CRD';
  if (t.kind !== 'local') return [{ check, status: 'skip', detail: 'checked by the controller against its cluster' }];
  try {
    const { client } = await localMainClient(t);
    let crd: unknown;
    try {
      crd = await client.request({
        method: 'GET',
        path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/workflows.argoproj.io',
      });
    } finally {
      (client as { close?: () => void }).close?.();
    }
    const problem = workflowCrdProblem(crd);
    if (!problem) return [{ check, status: 'ok', detail: "keeps templates' clusterName and namespace" }];
    return [{ check, status: 'fail', detail: problem, advice: 'kubectl apply --server-side -k infra/crds' }];
  } catch (e) {
    return [{ check, status: 'warn', detail: `cannot read the CRD: ${errText(e)}` }];
  }
}
