/**
 * What `argosy cluster check` says about Argo's executor in an entry's scope (docs/adr/0009-argo-executor-pods.md):
 * whether the cluster serves `workflowtaskresults.argoproj.io` and whether the entry's identity may list,
 * watch and delete them (deletecollection). Without both, pods there run in pods-only mode (no artifacts, no shell-less
 * images, `result` includes stderr).
 */
import { canI } from '../../adapters/kube/resources.ts';
import type { RestConfigEntry } from '../../clusters/entry.ts';
import type { KubeClient } from '../../ports/kube.ts';
import { isNotFound } from '../../adapters/kube/errors.ts';

// What Argosy does with task results in a place, and what infra/k8s/remote-cluster (and remote-namespace)
// grant: list (the reconcile and the probe deciding executor pods), watch (the watcher), deletecollection
// (cleanup when the workflow is done). Asking for more made the local stack's healthy clusters fail.
const VERBS = ['list', 'watch', 'deletecollection'];
export const PODS_ONLY_LIMITS =
  'no artifacts, no images without a shell for scripts/outputs, outputs.result includes stderr';

/** One line about the executor mode of a scope, and whether it is a problem (CRD served, rights missing). */
export async function executorReport(
  kube: KubeClient,
  namespace: string,
  entry: RestConfigEntry,
): Promise<{ line: string; ok: boolean }> {
  if (entry.executor === 'pods') return { line: `  pods-only (entry Executor "pods"): ${PODS_ONLY_LIMITS}`, ok: true };
  let served = false;
  try {
    const list = await kube.request<{ resources?: { name: string }[] }>({
      method: 'GET',
      path: '/apis/argoproj.io/v1alpha1',
    });
    served = (list.resources ?? []).some((r) => r.name === 'workflowtaskresults');
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (!served)
    return {
      line: `  pods-only: the cluster does not serve workflowtaskresults.argoproj.io (install infra/crds/argoproj.io_workflowtaskresults.yaml for Argo's executor pods); ${PODS_ONLY_LIMITS}`,
      ok: entry.executor !== 'argo',
    };
  const answers = await Promise.all(
    VERBS.map((verb) => canI(kube, { verb, resource: 'workflowtaskresults', group: 'argoproj.io', namespace })),
  );
  const missing = VERBS.filter((_, i) => !answers[i]!.allowed);
  if (missing.length === 0)
    return { line: "  executor: Argo's executor pods (workflowtaskresults served and readable)", ok: true };
  return {
    line: `  pods-only: missing ${missing.map((v) => `${v} workflowtaskresults.argoproj.io`).join(', ')} (see infra/k8s/remote-cluster); ${PODS_ONLY_LIMITS}`,
    ok: false,
  };
}
