/**
 * The engine's contract with the rest of Argosy: what `decide` receives (a snapshot of observed
 * state) and what it returns (actions, the new workflow status and metadata, and when to wake up).
 *
 * Everything here is plain data. The runtime builds a {@link Snapshot} from the API servers, calls
 * `decide(snapshot, now)`, and only `src/runtime/apply.ts` executes the returned actions.
 */
import type { Outputs, Workflow, WorkflowStatus } from './types.ts';
import type { ObjectMeta } from './object-meta.ts';
import type { LockRef, LockView } from './sync/types.ts';

export type { ObjectMeta, OwnerReference } from './object-meta.ts';

/**
 * A pod as plain JSON (the shape the API server returns). Kept structural and loose on purpose:
 * the engine reads a few fields and builds new pods; the adapters pass real objects through.
 */
export interface KubePod {
  apiVersion?: 'v1';
  kind?: 'Pod';
  metadata: ObjectMeta;
  spec: Record<string, unknown> & { containers: KubeContainer[]; nodeName?: string; serviceAccountName?: string };
  status?: KubePodStatus;
}

export interface KubeContainer {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
  workingDir?: string;
  [key: string]: unknown;
}

export interface KubePodStatus {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  message?: string;
  reason?: string;
  startTime?: string;
  podIP?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[];
  containerStatuses?: KubeContainerStatus[];
  initContainerStatuses?: KubeContainerStatus[];
}

export interface KubeContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: {
      exitCode: number;
      reason?: string;
      message?: string;
      startedAt?: string;
      finishedAt?: string;
    };
  };
}

/** A workflow pod as observed in some cluster and namespace. */
export interface ObservedPod {
  cluster: string;
  namespace: string;
  pod: KubePod;
  /**
   * The tail of the `main` container's log, when the runtime was asked to read it (templates whose
   * `outputs.result` is referenced). Absent means "not read", not "empty".
   */
  mainLog?: string;
}

/**
 * Argo's `WorkflowTaskResult` (argoproj.io/v1alpha1): what the `wait` container of an executor pod
 * reports, named after the node ID, in the pod's own cluster and namespace.
 */
export interface WorkflowTaskResult {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  outputs?: Outputs;
  progress?: string;
  phase?: string;
  message?: string;
}

/** A task result as observed in some cluster and namespace. */
export interface ObservedTaskResult {
  cluster: string;
  namespace: string;
  result: WorkflowTaskResult;
}

/**
 * Argo's `WorkflowTaskSet` (argoproj.io/v1alpha1), named after the workflow, one per place that runs
 * HTTP nodes: `spec.tasks` (node ID → resolved template) for the place's agent pod, `status.nodes` (node
 * ID → phase, message, outputs) written back by it (docs/adr/0015-http-templates.md).
 */
export interface WorkflowTaskSet {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: { tasks?: Record<string, unknown> };
  status?: { nodes?: Record<string, { phase?: string; message?: string; outputs?: Outputs }> };
}

/** A task set as observed in some cluster and namespace. */
export interface ObservedTaskSet {
  cluster: string;
  namespace: string;
  taskSet: WorkflowTaskSet;
}

/** Where a pod of a template goes. */
export interface PlacementTarget {
  cluster: string;
  namespace: string;
  workflowNamespace: string;
  serviceAccountName?: string;
}

/**
 * Answers whether a target may be used, as a reason string when it may not (`undefined` = allowed).
 * Supplied by the runtime from the placement policy and the cluster registry; must be pure.
 */
export type PlacementCheck = (target: PlacementTarget) => string | undefined;

/** Settings of the controller that change decisions. */
export interface ControllerSettings {
  /** The unique name of the main cluster (the cluster the Workflow objects live in). */
  clusterName: string;
  /** Argo's `controller-instanceid`, when set. */
  instanceId?: string;
  /** Pod name format for new workflows; existing ones keep their annotation. Default `v2`. */
  podNameFormat?: 'v1' | 'v2';
  /**
   * How long a node waits for a cluster that fails for now (unreachable, 5xx, 429, 401) before it ends
   * Error (ms). Absent: the workflow's activeDeadlineSeconds bounds it, else one hour.
   */
  transientTimeoutMs?: number;
  /** The `argoexec` image of executor pods (default Argo v4.1's). */
  executorImage?: string;
  /** `resources` of executor pods' init and wait containers (Argo's ConfigMap `executor.resources`). */
  executorResources?: Record<string, unknown>;
  /** The controller's own namespace: Argo's second place for a referenced artifact repository ConfigMap. */
  controllerNamespace?: string;
}

/** Everything `decide` looks at. */
export interface Snapshot {
  workflow: Workflow;
  /** The workflow's pods, from every cluster and namespace it uses. */
  pods: ObservedPod[];
  controller: ControllerSettings;
  /** Placement and registry check; default allows everything. */
  checkPlacement?: PlacementCheck;
  /** Templates referenced by `templateRef`/`workflowTemplateRef`, keyed `namespace/name` or `cluster/name`. */
  workflowTemplates?: Record<string, Workflow>;
  /**
   * Pod creates of the previous decision (in this reconcile) that did not happen: refused by the API
   * server or failed for now. The engine decides what they mean for their nodes.
   */
  effects?: EffectResult[];
  /**
   * Places whose pods could not be listed in this reconcile, and why. The engine does not read their
   * absence as "pod deleted": their nodes wait (transient) or end Error (refused).
   */
  unobserved?: PlaceProblem[];
  /**
   * ConfigMaps named by `valueFrom.configMapKeyRef` (workflow arguments, template inputs), read from the
   * workflow's namespace in the main cluster, keyed `namespace/name`; absent = not found (or not readable).
   */
  configMaps?: Record<string, ObservedConfigMap>;
  /**
   * `cluster/namespace` places whose API serves `workflowtaskresults.argoproj.io`: pods there are built
   * for Argo's executor (docs/adr/0009-argo-executor-pods.md); elsewhere pods-only mode (ADR 0001, 0005).
   */
  executorPlaces?: string[];
  /** The workflow's task results, from every executor place it uses. */
  taskResults?: ObservedTaskResult[];
  /** The workflow's task sets in the places of its HTTP nodes (absent where none exists yet). */
  taskSets?: ObservedTaskSet[];
  /** The registered clusters and their labels; read only by templates with `placement`. */
  clusters?: ClusterFacts[];
  /** Pending pods per candidate place of the workflow's `placement` templates (or why not listed). */
  placeLoads?: PlaceLoad[];
  /**
   * The status decided for this snapshot could not be stored, even with compressed nodes: the engine
   * ends the workflow Error with `message` and stops its pods (engine/too-large.ts). `keepNodes` false:
   * the last stored node tree did not fit either, so only the pods' places are kept.
   */
  statusTooLarge?: { message: string; keepNodes: boolean };
  /**
   * The node status the stored object names (`status.offloadNodeStatusVersion`) is gone from the node
   * status store for good (read twice at the same version): the engine ends the workflow Error with
   * `message` and stops its pods, as Argo marks a workflow it cannot hydrate Error.
   */
  offloadedNodesLost?: { message: string };
  /**
   * Lock records (synchronization) this workflow holds or waits for, as last read, by Argo's lock key;
   * AcquireLock outcomes refresh them between rounds (docs/adr/0021-synchronization-locks.md).
   */
  locks?: Record<string, LockView>;
  /**
   * Pod creates this reconcile may still make (the deployment's per-reconcile cap less the creates of
   * earlier rounds); absent = no cap. The engine builds the first ones and says how many wait
   * (`Decision.deferredCreates`); their nodes stay Pending without a pod, so the next decide plans them
   * again. The others are not even built: at 100,000 Pending nodes, building every pod on each reconcile
   * to create 2,000 of them took most of the reconcile.
   */
  podCreateBudget?: number;
  /**
   * The status as stored when this reconcile began, when `workflow.status` is a status decided in an
   * earlier round of the same reconcile and not stored yet: phase-transition events are from it.
   */
  storedStatus?: WorkflowStatus;
  /**
   * The pods are only those not labelled `workflows.argoproj.io/completed=true` (the reconcile's usual
   * list, as Argo's pod informer). The engine asks for the finished ones when it needs them
   * (`Decision.finishedPodsWanted`, pod-scope.ts).
   */
  unfinishedPodsOnly?: boolean;
}

/** A registered cluster and its labels, for templates that choose their cluster (docs/adr/0013-cluster-choice.md). */
export interface ClusterFacts {
  name: string;
  labels: Record<string, string>;
}

/**
 * This controller's Pending pods in a candidate place of a `placement` template, or why they could not
 * be listed (the place counts as unreachable for the choice).
 */
export interface PlaceLoad {
  cluster: string;
  namespace: string;
  pending?: number;
  problem?: string;
  /** The list was refused for good (403, 404…): waiting will not help. */
  refused?: boolean;
}

/** A cluster/namespace whose pods could not be listed. */
export interface PlaceProblem {
  cluster: string;
  namespace: string;
  outcome: Extract<ActionOutcome, { kind: 'rejected' | 'transient' }>;
  /**
   * The place has no usable credentials now (no rest-config entry, or one that cannot be used). Not
   * evidence that its pods are gone: nodes that already had a pod there wait ("cannot observe cluster").
   */
  noCredentials?: boolean;
}

/** A ConfigMap as the engine needs it for parameters. */
export interface ObservedConfigMap {
  labels?: Record<string, string>;
  /** The artifact repository's default key is an annotation. */
  annotations?: Record<string, string>;
  data?: Record<string, string>;
  /** Set when the ConfigMap exists but could not be read (the API server's 403 message). */
  readError?: string;
}

/** What became of one action when the runtime applied it. */
export type ActionOutcome =
  | { kind: 'done' }
  /** A create found the object already there (a crashed earlier attempt made it); a delete found it gone. */
  | { kind: 'already-there' }
  /** Refused for good by the API server (400, 403, 404, 422, …): its HTTP status and Status message. */
  | { kind: 'rejected'; statusCode: number; reason: string; message: string }
  /**
   * May succeed later (5xx, 429, 401, timeouts, unreachable cluster): why it failed now. `quota`: the
   * ResourceQuota admission plugin refused a create (403 `exceeded quota`), which room frees up for.
   */
  | { kind: 'transient'; message: string; quota?: true };

/** An action that did not happen, as the next decide sees it: a create or write, a pod delete or label, a claim delete. */
export type EffectResult = CreateEffect | PodEffect | ClaimEffect;

/**
 * A pod create, task-set write or memoization cache write that did not happen (a task set's `nodeId`
 * is the agent's, see engine/http-template/agent.ts).
 */
export interface CreateEffect {
  kind: 'CreatePod' | 'ApplyTaskSet' | 'SaveMemoEntry';
  nodeId: string;
  cluster: string;
  namespace: string;
  outcome: Extract<ActionOutcome, { kind: 'rejected' | 'transient' }>;
}

/** A pod delete or completed label that did not happen (engine/pod-effects.ts). */
export interface PodEffect {
  kind: 'DeletePod' | 'LabelPodCompleted';
  cluster: string;
  namespace: string;
  /** The pod's name. */
  name: string;
  outcome: Extract<ActionOutcome, { kind: 'rejected' | 'transient' }>;
}

/** A claim delete (volumeClaimGC) that did not happen (engine/owed-deletes.ts). */
export interface ClaimEffect {
  kind: 'DeleteClaim';
  cluster: string;
  namespace: string;
  /** The claim's name. */
  name: string;
  outcome: Extract<ActionOutcome, { kind: 'rejected' | 'transient' }>;
}

/** A PersistentVolumeClaim as the engine builds it (from `spec.volumeClaimTemplates`). */
export interface KubeClaim {
  apiVersion: 'v1';
  kind: 'PersistentVolumeClaim';
  metadata: ObjectMeta;
  spec: Record<string, unknown>;
}

export type Action =
  | {
      kind: 'CreatePod';
      cluster: string;
      namespace: string;
      pod: KubePod;
      nodeId: string;
      /** Claims the pod mounts, made sure of (created, or found owned by this workflow) before the pod. */
      claims?: KubeClaim[];
    }
  /** Deletes a claim of the workflow (volumeClaimGC), also dropping `kubernetes.io/pvc-protection` as Argo does. */
  | { kind: 'DeleteClaim'; cluster: string; namespace: string; name: string; reason: string }
  | { kind: 'DeletePod'; cluster: string; namespace: string; name: string; reason: string }
  /**
   * `afterStatusWrite`: the pod's node finished in this decision, so the label may only be set once the
   * status recording that is stored (a labelled pod is no longer listed; docs/adr/0026-unfinished-pods-list.md).
   */
  | { kind: 'LabelPodCompleted'; cluster: string; namespace: string; name: string; afterStatusWrite?: true }
  /**
   * Creates the place's task set, or merge-patches it: `tasks` added to `spec.tasks`, `remove`d from
   * `spec.tasks` and `status.nodes` (Argo's createTaskSet / removeCompletedTaskSetStatus).
   */
  | {
      kind: 'ApplyTaskSet';
      cluster: string;
      namespace: string;
      nodeId: string;
      taskSet: WorkflowTaskSet;
      remove: string[];
    }
  | EmitEventAction
  /** Writes `entry` (Argo's cache entry JSON) under `key` of cache ConfigMap `configMap` in the main cluster. */
  | { kind: 'SaveMemoEntry'; namespace: string; configMap: string; key: string; entry: string; nodeId: string }
  /**
   * Ask every lock of `locks` (key order) for `holder`, all or nothing as Argo's TryAcquire: it joins
   * each queue and holds them all once it is at the front of each with a slot free, else none.
   */
  | { kind: 'AcquireLock'; locks: LockRef[]; holder: string; priority: number; created: string }
  /** Let `holder` go from lock `lock` (held or waited for); its next waiters are woken. */
  | { kind: 'ReleaseLock'; lock: LockRef; holder: string };

/** A Kubernetes Event on the Workflow; node events carry the node's name and type as annotations, as Argo's. */
export interface EmitEventAction {
  kind: 'EmitEvent';
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  annotations?: Record<string, string>;
}

/** The metadata the engine owns on the Workflow object (labels, annotations, finalizers it manages). */
export interface WorkflowMetaPatch {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Finalizers the engine wants present (the runtime adds missing ones, never removes others). */
  finalizers: string[];
}

export interface Decision {
  actions: Action[];
  /** The complete new status (not a diff). The runtime writes it only if it differs. */
  status: WorkflowStatus;
  metadata: WorkflowMetaPatch;
  /** Wake up after this many milliseconds even without a nudge (backoff, deadlines, suspend). */
  requeueAfterMs?: number;
  /** Human-readable reasons for the decision, for logs (the engine itself never logs). */
  reasons: string[];
  /**
   * Custom metric samples (Argo's `metrics.prometheus`) caused by the transitions this decision writes;
   * the runtime emits them only once the status write succeeded (docs/adr/0018-custom-metrics.md).
   */
  metrics?: MetricSample[];
  /**
   * The metadata must be stored before any action runs: it adds the finalizer and an action makes a pod
   * (or task set) outside the workflow's own cluster/namespace, which garbage collection cannot reach.
   */
  metadataFirst?: true;
  /** Pod creates left out by `Snapshot.podCreateBudget`: the runtime comes back to the workflow at once. */
  deferredCreates?: number;
  /**
   * Set when the snapshot held only unfinished pods and this decision needs the finished ones too (why,
   * for the log): the runtime lists them, adds them and decides again before applying anything.
   */
  finishedPodsWanted?: string;
  /**
   * Argo's events for the phase changes this decision makes to the stored status (WorkflowRunning,
   * WorkflowNodeFailed, …), recorded once the status is written; the engine's other events are actions.
   */
  phaseEvents?: EmitEventAction[];
}

/** One observation of a user's custom metric, with Argo's name (without the `argo_workflows_` prefix). */
export interface MetricSample {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  /** Labels in the order the spec lists them. */
  labels: Array<{ key: string; value: string }>;
  /** Counter: added; gauge: set, added or subtracted (`operation`); histogram: observed. */
  value: number;
  /** Gauges: Argo's `operation` (default Set). */
  operation?: 'Set' | 'Add' | 'Sub';
  /** Histograms: the upper bounds of the buckets, as the spec lists them. */
  buckets?: number[];
  /**
   * Realtime gauges still running: the value is the seconds since this RFC 3339 time when read (Argo's
   * value function); absent once the node or workflow finished (then `value` is final).
   */
  since?: string;
  /** The workflow's UID: realtime gauges of a deleted workflow can be dropped. */
  owner: string;
}

/** The finalizer the runtime puts on workflows that have pods outside their own cluster/namespace. */
export const WORKFLOW_FINALIZER = 'workflows.argosy.io/remote-pods';
