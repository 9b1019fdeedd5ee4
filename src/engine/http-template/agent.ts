/**
 * The agent of HTTP templates, as Argo builds it (workflow/controller/agent.go, taskset.go): one
 * `WorkflowTaskSet` named after the workflow and one agent pod (`argoexec agent init|main`) in each
 * place that runs HTTP nodes. The pod runs as the workflow's service account, so the request leaves
 * from the workflow's own namespace and cluster with the workflow's rights (secret headers are read
 * by it), never from the controller (docs/adr/0015-http-templates.md).
 */
import type { ExecContext } from '../context.ts';
import type { KubeContainer, KubePod, ObjectMeta, WorkflowTaskSet } from '../contract.ts';
import { nodeId } from '../names.ts';
import {
  ANNOTATION_DEFAULT_CONTAINER,
  LABEL_COMPLETED,
  LABEL_INSTANCE_ID,
  LABEL_WORKFLOW,
  LABEL_WORKFLOW_CLUSTER_NAME,
  LABEL_WORKFLOW_NAMESPACE,
  LABEL_WORKFLOW_UID,
} from '../labels.ts';
import { DEFAULT_EXECUTOR_IMAGE, LOG_FLAGS, VAR_RUN_ARGO } from '../pod/executor-pod.ts';

/** Argo's label on agent pods (lets a NetworkPolicy select them). */
export const LABEL_COMPONENT = 'workflows.argoproj.io/component';

import type { AgentPlace } from './state.ts';

export type { AgentPlace };

/** Argo's `getAgentPodName`: the same name in every place (each is its own namespace). */
export function agentPodName(wfName: string): string {
  return `${agentNodeId(wfName)}-agent`;
}

/** The ID the agent's pod create and task-set writes report their effects under. */
export function agentNodeId(wfName: string): string {
  return nodeId(wfName, 'agent');
}

/** True for an agent pod (it belongs to no node). */
export function isAgentPod(pod: KubePod): boolean {
  return pod.metadata.labels?.[LABEL_COMPONENT] === 'agent';
}

/** Labels that tie an object in `place` to this workflow (the same as its pods carry). */
function workflowLabels(ctx: ExecContext, place: AgentPlace): Record<string, string> {
  const labels: Record<string, string> = { [LABEL_WORKFLOW]: ctx.wfName };
  if (ctx.controller.instanceId) labels[LABEL_INSTANCE_ID] = ctx.controller.instanceId;
  if (ctx.wf.metadata.uid) labels[LABEL_WORKFLOW_UID] = ctx.wf.metadata.uid;
  if (place.cluster !== ctx.controller.clusterName) labels[LABEL_WORKFLOW_CLUSTER_NAME] = ctx.controller.clusterName;
  if (place.namespace !== ctx.wfNamespace) labels[LABEL_WORKFLOW_NAMESPACE] = ctx.wfNamespace;
  return labels;
}

/** An ownerReference to the Workflow, only where garbage collection can follow it (its own namespace). */
function ownerReferences(ctx: ExecContext, place: AgentPlace, controller: boolean): ObjectMeta['ownerReferences'] {
  const local = place.cluster === ctx.controller.clusterName && place.namespace === ctx.wfNamespace;
  const uid = ctx.wf.metadata.uid;
  if (!local || !uid) return undefined;
  const ref = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: ctx.wfName, uid };
  return [controller ? { ...ref, controller: true, blockOwnerDeletion: true } : ref];
}

/** The task set of a place with these tasks (Argo's `createTaskSet`). */
export function taskSetFor(ctx: ExecContext, place: AgentPlace, tasks: Record<string, unknown>): WorkflowTaskSet {
  const metadata: ObjectMeta = {
    name: ctx.wfName,
    namespace: place.namespace,
    labels: { ...workflowLabels(ctx, place), [LABEL_COMPLETED]: 'false' },
  };
  const owners = ownerReferences(ctx, place, false);
  if (owners) metadata.ownerReferences = owners;
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTaskSet', metadata, spec: { tasks } };
}

/** Argo's `MinimalCtrSC`. */
export const MINIMAL_SC = {
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  runAsUser: 8737,
  allowPrivilegeEscalation: false,
  seccompProfile: { type: 'RuntimeDefault' },
};

function agentContainer(ctx: ExecContext, name: 'init' | 'main'): KubeContainer {
  return {
    name,
    image: ctx.controller.executorImage || DEFAULT_EXECUTOR_IMAGE,
    command: ['argoexec'],
    args: ['agent', name, ...LOG_FLAGS],
    env: [
      { name: 'ARGO_WORKFLOW_NAME', value: ctx.wfName },
      { name: 'ARGO_WORKFLOW_UID', value: ctx.wf.metadata.uid ?? '' },
      { name: 'ARGO_AGENT_PATCH_RATE', value: '10s' },
      { name: 'ARGO_PLUGIN_ADDRESSES', value: 'null' },
      { name: 'ARGO_PLUGIN_NAMES', value: 'null' },
    ],
    securityContext: MINIMAL_SC,
    resources: {
      requests: { cpu: '10m', memory: '64M' },
      limits: { cpu: '100m', memory: '256M' },
    },
    volumeMounts: [{ name: 'var-run-argo', mountPath: VAR_RUN_ARGO }],
  };
}

/**
 * The agent pod of a place (Argo's `createAgentPod`), as the workflow's service account. The token is
 * the account's own automounted one: Argo mounts the account's token Secret instead, which the engine
 * cannot look up without I/O; the identity is the same.
 */
export function agentPod(ctx: ExecContext, place: AgentPlace): KubePod {
  const metadata: ObjectMeta = {
    name: agentPodName(ctx.wfName),
    namespace: place.namespace,
    labels: { ...workflowLabels(ctx, place), [LABEL_COMPLETED]: 'false', [LABEL_COMPONENT]: 'agent' },
    annotations: { [ANNOTATION_DEFAULT_CONTAINER]: 'main' },
  };
  const owners = ownerReferences(ctx, place, true);
  if (owners) metadata.ownerReferences = owners;
  const spec: KubePod['spec'] = {
    restartPolicy: 'OnFailure',
    securityContext: { runAsNonRoot: true, runAsUser: 8737, seccompProfile: { type: 'RuntimeDefault' } },
    volumes: [{ name: 'var-run-argo', emptyDir: {} }],
    initContainers: [agentContainer(ctx, 'init')],
    containers: [agentContainer(ctx, 'main')],
  };
  const sa = ctx.wf.spec.serviceAccountName;
  if (sa) spec.serviceAccountName = sa;
  const pullSecrets = ctx.wf.spec.imagePullSecrets;
  if (pullSecrets) spec.imagePullSecrets = pullSecrets;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}
