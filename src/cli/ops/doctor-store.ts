/**
 * `argosy doctor`'s look at the rest-config store: readable, how many entries (keys only, never
 * values), which keys are invalid. Returns the snapshot for the per-cluster checks.
 */
import { clientFromKubeconfig } from '../../clusters/kubeconfig.ts';
import { runKubeconfigPlugin } from '../../clusters/kubeconfig-plugin.ts';
import { createSecretStore } from '../../clusters/stores/factory.ts';
import type { StoreSnapshot } from '../../clusters/stores/types.ts';
import { errText, type Finding } from './doctor-checks.ts';
import type { OpsDeps } from './deps.ts';
import type { OpsTarget } from './target.ts';

/** Reads the rest-config store the functions use; returns its snapshot for the cluster checks. */
export async function checkSecret(
  deps: OpsDeps,
  t: OpsTarget,
  secretName: string,
): Promise<{ findings: Finding[]; snapshot?: StoreSnapshot }> {
  const check = 'rest-config';
  try {
    const store =
      t.kind === 'local'
        ? createSecretStore('kubernetes', {
            secretName,
            namespace: t.state.namespace,
            mainClient: async () =>
              (
                await clientFromKubeconfig({
                  kubeconfig: t.state.kubeconfigPath,
                  context: t.state.mainContext,
                  cluster: t.state.mainCluster,
                  plugins: runKubeconfigPlugin,
                })
              ).client,
          })
        : t.secretId
          ? createSecretStore('aws-secretsmanager', {
              secretName: t.secretId,
              namespace: '',
              secretsManager: deps.secrets(t.region),
            })
          : undefined;
    if (!store)
      return { findings: [{ check, status: 'skip', detail: 'no secret id', advice: 'pass --secret-id or --outputs' }] };
    const snapshot = await store.load();
    const keys = [...snapshot.entries.keys()].sort();
    const findings: Finding[] = [
      keys.length
        ? {
            check,
            status: 'ok',
            detail: `${store.location}: ${keys.length} entr${keys.length === 1 ? 'y' : 'ies'} (${keys.join(', ')})`,
          }
        : {
            check,
            status: 'warn',
            detail: `${store.location}: no entries`,
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
    return { findings, snapshot };
  } catch (e) {
    return {
      findings: [
        {
          check,
          status: 'fail',
          detail: errText(e),
          advice:
            t.kind === 'local'
              ? 'is `argosy dev` healthy?'
              : 'check the secret id, region and secretsmanager:GetSecretValue',
        },
      ],
    };
  }
}
