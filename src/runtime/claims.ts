/**
 * The runtime half of `volumeClaimTemplates` (docs/adr/0020-volume-claims.md): a pod's claims are made
 * sure of before the pod (created, or found already made by this workflow — Argo reuses a claim only when
 * it has the workflow's owner), and `volumeClaimGC` deletes them, dropping the `kubernetes.io/pvc-protection`
 * finalizer as Argo does so a claim still mounted by a finished pod does not linger.
 */
import type { ActionOutcome, KubeClaim, ObjectMeta } from '../engine/contract.ts';
import { LABEL_WORKFLOW_UID } from '../engine/labels.ts';
import type { ClusterRegistry, KubeClient } from '../ports/kube.ts';
import type { Workflow } from '../engine/types.ts';
import type { Logger } from '../logger.ts';
import { clientForPlace } from './observe.ts';
import { isAlreadyExists, isNotFound } from '../adapters/kube/errors.ts';
import { createClaim, deleteClaim, getClaim, patchClaimFinalizers } from '../adapters/kube/resources.ts';
import { outcomeOf } from './outcome.ts';

/** The finalizer kube-apiserver adds to every claim (StorageObjectInUseProtection). */
export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';

type Outcome = Extract<ActionOutcome, { kind: 'rejected' | 'transient' }>;

/** Why a claim found under our name is not this workflow's, or undefined when it is. */
function notOurs(found: { metadata: ObjectMeta }, uid: string | undefined): Outcome | undefined {
  const name = found.metadata.name ?? '';
  const owner =
    found.metadata.labels?.[LABEL_WORKFLOW_UID] ??
    found.metadata.ownerReferences?.find((o) => o.kind === 'Workflow')?.uid;
  if (owner !== uid)
    // Argo's createPVCs refuses the same way (CodeForbidden).
    return {
      kind: 'rejected',
      statusCode: 403,
      reason: 'Forbidden',
      message: `${name} pvc already exists with different ownerreference`,
    };
  if (found.metadata.deletionTimestamp)
    return { kind: 'transient', message: `persistentvolumeclaim ${name} is being deleted; waiting to create it again` };
  return undefined;
}

/**
 * Creates each claim the pod mounts (AlreadyExists: kept when it is this workflow's). Returns the outcome
 * that stops the pod create (refused, or failed for now), or undefined when every claim is there.
 */
export async function ensureClaims(
  client: KubeClient,
  namespace: string,
  claims: KubeClaim[],
  workflowUid: string | undefined,
): Promise<Outcome | undefined> {
  for (const claim of claims) {
    try {
      await createClaim(client, namespace, claim);
      continue;
    } catch (e) {
      if (!isAlreadyExists(e)) {
        const outcome = outcomeOf(e);
        if (!outcome) throw e;
        return outcome;
      }
    }
    const found = await getClaim<{ metadata: ObjectMeta }>(client, namespace, claim.metadata.name ?? '');
    const problem = notOurs(found, workflowUid);
    if (problem) return problem;
  }
  return undefined;
}

/** Deletes a claim and drops its pvc-protection finalizer; false when it was already gone. */
export async function removeClaim(client: KubeClient, namespace: string, name: string): Promise<boolean> {
  try {
    await deleteClaim(client, namespace, name);
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
  try {
    const claim = await getClaim<{ metadata: ObjectMeta }>(client, namespace, name);
    const finalizers = claim.metadata.finalizers ?? [];
    if (finalizers.includes(PVC_PROTECTION))
      await patchClaimFinalizers(
        client,
        namespace,
        name,
        finalizers.filter((f) => f !== PVC_PROTECTION),
      );
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  return true;
}

/**
 * Workflow deletion: claims outside the workflow's own cluster/namespace have no owner reference the
 * garbage collector can follow, so they are deleted here (failures are logged; the claim stays).
 */
export async function deleteRemoteClaims(registry: ClusterRegistry, workflow: Workflow, log: Logger): Promise<void> {
  const wfNs = workflow.metadata.namespace ?? '';
  const remote = (workflow.status?.persistentVolumeClaims ?? []).filter(
    (c) => !(c.clusterName === registry.mainCluster && c.namespace === wfNs),
  );
  await Promise.all(
    remote.map(async (c) => {
      const claim = c.persistentVolumeClaim.claimName;
      try {
        await removeClaim(
          await clientForPlace(registry, { cluster: c.clusterName, namespace: c.namespace }),
          c.namespace,
          claim,
        );
      } catch (e) {
        log.warn('could not delete volume claim', { cluster: c.clusterName, namespace: c.namespace, claim, error: e });
      }
    }),
  );
}
