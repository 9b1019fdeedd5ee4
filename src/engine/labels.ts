/**
 * The Kubernetes vocabulary, part 2 (labels and selectors): the label and annotation keys Argo (and
 * Argosy) put on workflows and pods, and the label selectors built from them. Here, in the engine,
 * because the engine builds pods with these labels; every other layer imports them from here. Part 1
 * (paths and calls) is `src/adapters/kube/resources.ts`, part 3 (the nodes codec)
 * `src/adapters/kube/compressed-nodes.ts`.
 */
export const LABEL_WORKFLOW = 'workflows.argoproj.io/workflow';
export const LABEL_COMPLETED = 'workflows.argoproj.io/completed';
export const LABEL_PHASE = 'workflows.argoproj.io/phase';
export const LABEL_INSTANCE_ID = 'workflows.argoproj.io/controller-instanceid';
export const LABEL_ON_EXIT = 'workflows.argoproj.io/on-exit';
export const LABEL_WORKFLOW_CLUSTER_NAME = 'workflows.argoproj.io/workflow-cluster-name';
export const LABEL_WORKFLOW_NAMESPACE = 'workflows.argoproj.io/workflow-namespace';
/**
 * The workflow's UID on each of its pods (Argosy's own label): a pod with the same deterministic name
 * left by an earlier workflow of the same name (deleted, its pods still terminating) is not this one's.
 */
export const LABEL_WORKFLOW_UID = 'workflows.argosy.io/workflow-uid';
export const ANNOTATION_NODE_NAME = 'workflows.argoproj.io/node-name';
export const ANNOTATION_NODE_ID = 'workflows.argoproj.io/node-id';
export const ANNOTATION_DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';
export const ANNOTATION_POD_NAME_FORMAT = 'workflows.argoproj.io/pod-name-format';
export const ANNOTATION_NODE_TYPE = 'workflows.argoproj.io/node-type';
export const ANNOTATION_POD_GC_STRATEGY = 'workflows.argoproj.io/pod-gc-strategy';

/**
 * The UID of the workflow a pod belongs to, from its label or (in the workflow's own namespace) its
 * controller ownerReference; undefined for pods made before the label existed.
 */
export function podWorkflowUid(pod: {
  metadata: { labels?: Record<string, string>; ownerReferences?: { kind: string; uid: string }[] };
}): string | undefined {
  return (
    pod.metadata.labels?.[LABEL_WORKFLOW_UID] ?? pod.metadata.ownerReferences?.find((o) => o.kind === 'Workflow')?.uid
  );
}

/** Whether a pod that carries this workflow's name belongs to another workflow (same name, other UID). */
export function isForeignPod(pod: Parameters<typeof podWorkflowUid>[0], workflowUid: string | undefined): boolean {
  const uid = podWorkflowUid(pod);
  return !!workflowUid && !!uid && uid !== workflowUid;
}

// --- selectors: which objects are ours ------------------------------------------------------------

/** Instance-id requirement of every selector (Argo's controller-instanceid; none = unlabelled). */
export function instanceRequirement(instanceId: string): string {
  return instanceId ? `${LABEL_INSTANCE_ID}=${instanceId}` : `!${LABEL_INSTANCE_ID}`;
}

/**
 * Which cluster-name requirement a pod in `cluster` has: pods in the main cluster carry no
 * workflow-cluster-name label, pods elsewhere carry the main cluster's name (so two controllers'
 * pods in one shared cluster stay apart).
 */
function clusterRequirement(cluster: string, mainCluster: string): string {
  return cluster === mainCluster ? `!${LABEL_WORKFLOW_CLUSTER_NAME}` : `${LABEL_WORKFLOW_CLUSTER_NAME}=${mainCluster}`;
}

/** Which of a workflow's pods a list reads: all, or only those (not) labelled completed=true. */
export type PodScope = 'all' | 'unfinished' | 'finished';

const SCOPE_REQUIREMENT: Record<PodScope, string[]> = {
  all: [],
  // Argo's pod informer selects `completed=false` (workflow/controller/controller.go newWorkflowPodWatch);
  // `!=true` also keeps a pod that lost or never had the label.
  unfinished: [`${LABEL_COMPLETED}!=true`],
  finished: [`${LABEL_COMPLETED}=true`],
};

/** Label selector of one workflow's pods in a cluster (the reconcile's and the finalizer's list). */
export function workflowPodSelector(
  name: string,
  place: { cluster: string; namespace?: string },
  mainCluster: string,
  instanceId: string,
  scope: PodScope = 'all',
): string {
  return [
    `${LABEL_WORKFLOW}=${name}`,
    instanceRequirement(instanceId),
    clusterRequirement(place.cluster, mainCluster),
    ...SCOPE_REQUIREMENT[scope],
  ].join(',');
}

/** Label selector of the watcher's pod watch in a cluster: every unfinished workflow pod of ours. */
export function podWatchSelector(cluster: string, mainCluster: string, instanceId: string): string {
  return [
    LABEL_WORKFLOW,
    `${LABEL_COMPLETED}=false`,
    instanceRequirement(instanceId),
    clusterRequirement(cluster, mainCluster),
  ].join(',');
}

/** Set to "true" by Argo's `wait` container once a task result's outputs are reported. */
export const LABEL_REPORT_OUTPUTS_COMPLETED = 'workflows.argoproj.io/report-outputs-completed';

/** Label selector of one workflow's WorkflowTaskResults (Argo's informer selector, per workflow). */
export function taskResultSelector(workflow: string, instanceId: string): string {
  return [`${LABEL_WORKFLOW}=${workflow}`, instanceRequirement(instanceId)].join(',');
}

/** Label selector of the watcher's task-result watch: every task result of ours. */
export function taskResultWatchSelector(instanceId: string): string {
  return [LABEL_WORKFLOW, instanceRequirement(instanceId)].join(',');
}

/** Label selector of the workflows the resync nudges: ours and not completed. */
export function unfinishedWorkflowSelector(instanceId: string): string {
  return [`${LABEL_COMPLETED}!=true`, instanceRequirement(instanceId)].join(',');
}
