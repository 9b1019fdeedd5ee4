/**
 * `spec.volumeClaimTemplates` (Argo's `createPVCs`/`deletePVCs`), across clusters
 * (docs/adr/0020-volume-claims.md). A claim is cluster-local, so each claim template becomes one
 * PersistentVolumeClaim `<workflow>-<template>` in the place (cluster + namespace) of the first pod that
 * mounts it, created with that pod (the runtime ensures the claim before the pod) and recorded in
 * `status.persistentVolumeClaims` with its place. A later pod that mounts it from another place ends
 * Error instead of silently getting an empty claim of its own. At completion the claims are deleted
 * as `spec.volumeClaimGC` says (`OnWorkflowSuccess`, the default, keeps those of failed workflows).
 */
import type { Action, KubeClaim, KubePod, ObjectMeta } from '../contract.ts';
import type { ExecContext } from '../context.ts';
import type { VolumeClaimEntry as ClaimEntry, WorkflowPhase, WorkflowStatus } from '../types.ts';
import {
  LABEL_WORKFLOW,
  LABEL_WORKFLOW_CLUSTER_NAME,
  LABEL_WORKFLOW_NAMESPACE,
  LABEL_WORKFLOW_UID,
} from '../labels.ts';
import { PodBuildError } from './outputs-wrapper.ts';

/** Where a pod goes (build-pod's PodTarget, without the account). */
type PodTarget = { cluster: string; namespace: string };

type ClaimTemplate = { metadata?: ObjectMeta; spec?: Record<string, unknown> };

function claimTemplates(ctx: ExecContext): ClaimTemplate[] {
  const list = ctx.wf.spec.volumeClaimTemplates;
  return Array.isArray(list) ? (list as ClaimTemplate[]) : [];
}

/** The claims of this decide: the stored ones, then those recorded now. */
function claimsOf(ctx: ExecContext): ClaimEntry[] {
  return (ctx.claims ??= [...(ctx.wf.status?.persistentVolumeClaims ?? [])]);
}

/**
 * The volume a mount named `name` gets from a claim template (undefined: no such template). Records the
 * claim in the pod's place the first time; throws when it was recorded in another place.
 */
export function claimVolume(ctx: ExecContext, name: string, target: PodTarget): Record<string, unknown> | undefined {
  if (!claimTemplates(ctx).some((t) => t.metadata?.name === name)) return undefined;
  const claims = claimsOf(ctx);
  let entry = claims.find((c) => c.name === name);
  if (entry && (entry.clusterName !== target.cluster || entry.namespace !== target.namespace))
    throw new PodBuildError(
      `volume claim template '${name}' has its claim ${entry.persistentVolumeClaim.claimName} in cluster ` +
        `"${entry.clusterName}" namespace "${entry.namespace}"; a PersistentVolumeClaim is cluster-local, so this ` +
        `pod cannot mount it in cluster "${target.cluster}" namespace "${target.namespace}": run every step that ` +
        'mounts it in one place',
    );
  if (!entry) {
    entry = {
      name,
      persistentVolumeClaim: { claimName: `${ctx.wfName}-${name}` },
      clusterName: target.cluster,
      namespace: target.namespace,
    };
    claims.push(entry);
    ctx.claimsChanged = true;
  }
  return { name, persistentVolumeClaim: { claimName: entry.persistentVolumeClaim.claimName } };
}

/** The claim object of a template, labelled and owned like the workflow's pods. */
function claimObject(ctx: ExecContext, entry: ClaimEntry): KubeClaim {
  const tmpl = claimTemplates(ctx).find((t) => t.metadata?.name === entry.name) ?? {};
  const labels: Record<string, string> = { ...(tmpl.metadata?.labels ?? {}), [LABEL_WORKFLOW]: ctx.wfName };
  const uid = ctx.wf.metadata.uid;
  if (uid) labels[LABEL_WORKFLOW_UID] = uid;
  const remoteCluster = entry.clusterName !== ctx.controller.clusterName;
  if (remoteCluster) labels[LABEL_WORKFLOW_CLUSTER_NAME] = ctx.controller.clusterName;
  if (entry.namespace !== ctx.wfNamespace) labels[LABEL_WORKFLOW_NAMESPACE] = ctx.wfNamespace;
  const metadata: ObjectMeta = {
    ...(tmpl.metadata?.annotations ? { annotations: tmpl.metadata.annotations } : {}),
    name: entry.persistentVolumeClaim.claimName,
    namespace: entry.namespace,
    labels,
  };
  // An owner reference reaches only a Workflow in the same cluster and namespace (the finalizer covers others).
  if (uid && !remoteCluster && entry.namespace === ctx.wfNamespace)
    metadata.ownerReferences = [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        name: ctx.wfName,
        uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec: tmpl.spec ?? {} };
}

/** The CreatePod action, with the claims its pod mounts (the runtime makes sure they exist first). */
export function createPodAction(ctx: ExecContext, target: PodTarget, pod: KubePod, nodeId: string): Action {
  const mounted = new Set(
    ((pod.spec.volumes as { persistentVolumeClaim?: { claimName?: string } }[] | undefined) ?? []).map(
      (v) => v.persistentVolumeClaim?.claimName,
    ),
  );
  const claims = (ctx.claims ?? [])
    .filter((c) => mounted.has(c.persistentVolumeClaim.claimName))
    .map((c) => claimObject(ctx, c));
  const action: Action = { kind: 'CreatePod', cluster: target.cluster, namespace: target.namespace, pod, nodeId };
  if (claims.length > 0) action.claims = claims;
  return action;
}

/** True when `strategy` deletes the claims of a workflow that ended in `phase`. */
export function claimGcCollects(strategy: string, phase: WorkflowPhase | undefined): boolean {
  return strategy === 'OnWorkflowCompletion' || phase === 'Succeeded';
}

/**
 * Stores the claims recorded in this decide and, when the workflow has just finished, deletes them as
 * `volumeClaimGC` says (they leave the status as Argo's do once deleted).
 */
export function settleClaims(ctx: ExecContext, status: WorkflowStatus, done: boolean): void {
  if (ctx.claimsChanged) status.persistentVolumeClaims = ctx.claims;
  const claims = status.persistentVolumeClaims ?? [];
  if (!done || claims.length === 0) return;
  const strategy = String((ctx.wf.spec.volumeClaimGC as { strategy?: string } | undefined)?.strategy ?? '');
  if (!claimGcCollects(strategy, status.phase)) return;
  for (const c of claims)
    ctx.actions.push({
      kind: 'DeleteClaim',
      cluster: c.clusterName,
      namespace: c.namespace,
      name: c.persistentVolumeClaim.claimName,
      reason: `volumeClaimGC ${strategy || 'OnWorkflowSuccess'}`,
    });
  delete status.persistentVolumeClaims;
}
