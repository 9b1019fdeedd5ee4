/**
 * The state of one `decide` call: the workflow, the (copy-on-write) node map being built, observed
 * pods, collected actions, and helpers to create and update nodes. Nothing here does I/O.
 */
import type {
  Action,
  ControllerSettings,
  MetricSample,
  ObservedConfigMap,
  ObservedPod,
  ObservedTaskResult,
  PlaceLoad,
  PlacementCheck,
} from './contract.ts';
import type {
  Artifact,
  ArtifactRepository,
  NodePhase,
  NodeStatus,
  NodeType,
  Parameter,
  Template,
  TemplateRef,
  VolumeClaimEntry,
  Workflow,
} from './types.ts';
import { localScope, type TemplateScope } from './template-scope.ts';
import { withTemplateDefaults } from './template-defaults.ts';
import { childNodeId, displayNameOf, formatTime, nodeId, type PodNameFormat } from './names.ts';
import type { EffectState } from './effect-state.ts';
import type { HttpState } from './http-template/state.ts';
import type { SyncState } from './sync/sync-state.ts';
import type { ExecuteRequest } from './execute-request.ts';

/** Runs (or advances) a template as a node: `executeTemplate` of execute.ts. */
export type ExecuteTemplate = (ctx: ExecContext, req: ExecuteRequest) => NodeStatus;

/** Everything the executors share during one decide. */
export interface ExecContext {
  /**
   * How steps, tasks and hooks run their templates: `executeTemplate`, passed in by decide. The
   * executors recurse through this instead of importing execute.ts, which dispatches to them.
   */
  executeTemplate: ExecuteTemplate;
  wf: Workflow;
  wfName: string;
  wfNamespace: string;
  now: string;
  nowDate: Date;
  controller: ControllerSettings;
  checkPlacement?: PlacementCheck;
  workflowTemplates?: Record<string, Workflow>;
  /** ConfigMaps for `valueFrom.configMapKeyRef` parameters, keyed `namespace/name`. */
  configMaps?: Record<string, ObservedConfigMap>;
  /** `status.storedTemplates`: templateRef targets as first resolved (see template.ts). */
  storedTemplates?: Record<string, Template>;
  /** A templateRef was resolved for the first time in this decide (status.storedTemplates grows). */
  storedTemplatesChanged?: boolean;
  nodes: Record<string, NodeStatus>;
  podsByNodeId: Map<string, ObservedPod>;
  /** Some template of the workflow has `placement`: stuck pods are looked at even on fast paths. */
  usesPlacement?: boolean;
  /** Registered clusters → labels (`Snapshot.clusters`), for `placement` templates. */
  clusterLabels?: Map<string, Record<string, string>>;
  /** `cluster/namespace` → Pending pods or why not listed (`Snapshot.placeLoads`). */
  placeLoads?: Map<string, PlaceLoad>;
  /** Effects of the previous apply and nodes waiting for a cluster (engine/effects.ts); absent = none. */
  effects?: EffectState;
  /** Task results by node ID (their name). */
  taskResults: Map<string, ObservedTaskResult>;
  /** `cluster/namespace` places whose pods Argo's executor runs. */
  executorPlaces: Set<string>;
  /** Task sets, agent pods and handed-out tasks of HTTP nodes (http/task-sets.ts); absent = none. */
  http?: HttpState;
  actions: Action[];
  /** Pod creates still allowed in this decide (`Snapshot.podCreateBudget`) and those left out; absent = no cap. */
  createBudget?: { left: number; deferred: number };
  reasons: string[];
  templates: Map<string, Template>;
  globals: Record<string, string>;
  podNameFormat: PodNameFormat;
  /** Past the workflow's activeDeadlineSeconds: no new pods. */
  deadlineExceeded: boolean;
  /** Arrays/objects created during this decide (safe to mutate in place). */
  owned: WeakSet<object>;
  /** Per-node children sets, for O(1) de-duplication on wide fan-outs. */
  childSets: Map<string, Set<string>>;
  /** Caches keyed by template object (DAG indexes etc.). */
  cache: WeakMap<object, unknown>;
  /** DAG node ID → task index → task node ID. */
  taskIds: Map<string, string[]>;
  /** Node name → ID, memoised (hashing dominates large DAG walks otherwise). */
  ids: Map<string, string>;
  /** Node names found sharing another node's ID in this decide, each said once (getNode). */
  collisions?: Set<string>;
  /** Earliest wake-up asked for during this decide (epoch ms): backoff, suspend durations. */
  wakeAt?: number;
  /** Active pods of the workflow (`spec.parallelism`), counted lazily once per decide. */
  activePods?: number;
  /** The pinned artifact repository (`status.artifactRepositoryRef`), when the workflow moves artifacts. */
  artifactRepository?: ArtifactRepository;
  /** Boundary node ID → IDs of the nodes inside it, built lazily for template parallelism/failFast. */
  byBoundary?: Map<string, string[]>;
  /** Steps/DAG node ID → its template, for the parallelism/failFast checks of its children. */
  boundaryTemplates?: Map<string, Template>;
  /**
   * Steps/DAG node ID → the template scope its steps/tasks resolve names in (template-scope.ts); set
   * when the node is walked, before any child. Absent: the workflow's own scope.
   */
  childScopes: Map<string, TemplateScope>;
  /** `status.persistentVolumeClaims` as this decide sees them (pod/claims.ts); absent until a pod needs one. */
  claims?: VolumeClaimEntry[];
  /** A claim was recorded in this decide. */
  claimsChanged?: boolean;
  /** `spec.workflowMetadata` labels and annotations for the workflow object (workflow-metadata.ts). */
  workflowMetadata?: { labels: Record<string, string>; annotations: Record<string, string> };
  /** Locks seen, held, waited for and asked for in this decide (sync/state.ts); absent = none. */
  sync?: SyncState;
  /** Custom metric samples and emission errors of this decide (metrics/); absent = none. */
  metrics?: { samples: MetricSample[]; errors: string[] };
}

/** The template scope of nodes created under boundary `boundaryID` (Argo's caller template context). */
export function scopeUnder(ctx: ExecContext, boundaryID: string | undefined): TemplateScope {
  return (boundaryID !== undefined ? ctx.childScopes.get(boundaryID) : undefined) ?? localScope(ctx.wfName);
}

/** Asks to be woken up at `epochMs` (the earliest request of a decide wins). */
export function wakeAt(ctx: ExecContext, epochMs: number): void {
  if (ctx.wakeAt === undefined || epochMs < ctx.wakeAt) ctx.wakeAt = epochMs;
}

/**
 * The node ID of task number `index` (named `task`) of the DAG node `dag`, memoised per decide in an
 * array per DAG node (no per-task map entries: DAG walks ask for every task's node on every decide).
 */
export function taskNodeId(ctx: ExecContext, dag: NodeStatus, index: number, task: string): string {
  if (index < 0) return childNodeId(ctx.wfName, dag.name, task);
  let ids = ctx.taskIds.get(dag.id);
  if (!ids) {
    ids = [];
    ctx.taskIds.set(dag.id, ids);
  }
  return (ids[index] ??= childNodeId(ctx.wfName, dag.name, task));
}

/** The ID of a node name, memoised per decide. */
export function idOf(ctx: ExecContext, name: string): string {
  let id = ctx.ids.get(name);
  if (id === undefined) {
    id = nodeId(ctx.wfName, name);
    ctx.ids.set(name, id);
  }
  return id;
}

/** Node phases after which a node never changes. */
export function isFulfilled(node: NodeStatus | undefined): boolean {
  if (!node) return false;
  const p = node.phase;
  return p === 'Succeeded' || p === 'Failed' || p === 'Error' || p === 'Skipped' || p === 'Omitted';
}

/**
 * Argo's `NodeStatus.Fulfilled`: fulfilled, or a daemon running ready (`daemoned`, not Pending), which is
 * done for whatever waits on it while its pod keeps running (pod/daemons.ts).
 */
export function isDone(node: NodeStatus | undefined): boolean {
  return isFulfilled(node) || (node?.daemoned === true && node.phase !== 'Pending');
}

/** Succeeded, Failed or Error. */
export function isCompleted(node: NodeStatus | undefined): boolean {
  const p = node?.phase;
  return p === 'Succeeded' || p === 'Failed' || p === 'Error';
}

/** Node types whose progress is counted directly (not summed from children). */
export function isExecutable(type: NodeType): boolean {
  return type === 'Pod' || type === 'Container' || type === 'HTTP' || type === 'Plugin' || type === 'Suspend';
}

/** The node with this name, if it exists (or the node whose ID it shares: see {@link noteCollision}). */
export function getNode(ctx: ExecContext, name: string): NodeStatus | undefined {
  const node = ctx.nodes[idOf(ctx, name)];
  if (node && node.name !== name) noteCollision(ctx, name, node);
  return node;
}

/** Reason of the Warning event saying that two node names share one node ID. */
export const COLLISION_EVENT_REASON = 'NodeIDCollision';

/**
 * Node IDs are 32-bit hashes of node names (names.ts nodeId), so two names can share one: about 1 % of
 * 10,000-item fan-outs have such a pair. Argo looks nodes up by ID and takes the second for the first,
 * so that item never runs on its own; Argosy keeps Argo's IDs and outcome, and says so, once: in the
 * decide that creates the node (it is not in the stored status yet).
 */
function noteCollision(ctx: ExecContext, name: string, node: NodeStatus): void {
  if (ctx.wf.status?.nodes?.[node.id]) return;
  const said = (ctx.collisions ??= new Set());
  if (said.has(name)) return;
  said.add(name);
  ctx.actions.push({
    kind: 'EmitEvent',
    type: 'Warning',
    reason: COLLISION_EVENT_REASON,
    message:
      `node ${name} has the same ID ${node.id} as node ${node.name} (node IDs are 32-bit hashes of node ` +
      `names, as in Argo): it is taken for that node and does not run on its own; change the step, task ` +
      `or item so that the names differ`,
  });
}

/** Returns a node safe to mutate (copied once per decide). */
export function mutableNode(ctx: ExecContext, id: string): NodeStatus {
  const node = ctx.nodes[id];
  if (!node) throw new Error(`node ${id} does not exist`);
  if (ctx.owned.has(node)) return node;
  const copy = { ...node };
  ctx.owned.add(copy);
  ctx.nodes[id] = copy;
  return copy;
}

/** What a new node starts as. */
export interface NewNode {
  name: string;
  type: NodeType;
  boundaryID?: string;
  templateName?: string;
  /** What the step/task referenced, when it was a templateRef (then the node has no templateName, as in Argo). */
  templateRef?: TemplateRef;
  phase: NodePhase;
  message?: string;
}

// Argo initializes these with an empty NodeFlag (steps.go, dag.go), which it writes as `nodeFlag: {}`.
const EMPTY_FLAG_TYPES: ReadonlySet<NodeType> = new Set<NodeType>(['StepGroup', 'TaskGroup', 'Skipped']);

/** Creates a node (Argo's `initializeNode`). */
export function initNode(ctx: ExecContext, spec: NewNode): NodeStatus {
  const id = idOf(ctx, spec.name);
  const boundary = spec.boundaryID ? ctx.nodes[spec.boundaryID] : undefined;
  const node: NodeStatus = {
    id,
    name: spec.name,
    displayName: displayNameOf(spec.name, boundary?.name),
    type: spec.type,
  };
  if (spec.templateRef) node.templateRef = { ...spec.templateRef };
  else if (spec.templateName) node.templateName = spec.templateName;
  node.templateScope = scopeUnder(ctx, spec.boundaryID);
  node.phase = spec.phase;
  if (spec.boundaryID) node.boundaryID = spec.boundaryID;
  if (spec.message) node.message = spec.message;
  if (EMPTY_FLAG_TYPES.has(spec.type)) node.nodeFlag = {};
  node.startedAt = ctx.now;
  if (isFulfilled(node)) node.finishedAt = ctx.now;
  ctx.owned.add(node);
  ctx.nodes[id] = node;
  ctx.reasons.push(
    `node ${spec.name} (${spec.type}) initialized ${spec.phase}${spec.message ? `: ${spec.message}` : ''}`,
  );
  return node;
}

/** Sets a node's phase (and message); stamps finishedAt when it becomes fulfilled. */
export function markPhase(ctx: ExecContext, id: string, phase: NodePhase, message?: string): NodeStatus {
  const node = mutableNode(ctx, id);
  if (node.phase !== phase) ctx.reasons.push(`node ${node.name} ${node.phase ?? ''} -> ${phase}`);
  node.phase = phase;
  if (message !== undefined) {
    if (message === '') delete node.message;
    else node.message = message;
  }
  if (isFulfilled(node) && !node.finishedAt) node.finishedAt = ctx.now;
  return node;
}

/** Adds `childId` to `parentId`'s children once. */
export function addChild(ctx: ExecContext, parentId: string, childId: string): void {
  let set = ctx.childSets.get(parentId);
  const parent = ctx.nodes[parentId];
  if (!parent) return;
  if (!set) {
    set = new Set(parent.children ?? []);
    ctx.childSets.set(parentId, set);
  }
  if (set.has(childId)) return;
  set.add(childId);
  const node = mutableNode(ctx, parentId);
  if (!node.children || !ctx.owned.has(node.children)) {
    node.children = [...(node.children ?? [])];
    ctx.owned.add(node.children);
  }
  node.children.push(childId);
}

/** Argo's `getOutboundNodes`: the nodes a follower should hang off. */
export function outboundNodes(ctx: ExecContext, id: string): string[] {
  const node = ctx.nodes[id];
  if (!node) return [];
  switch (node.type) {
    case 'Skipped':
    case 'Suspend':
    case 'HTTP':
    case 'Plugin':
      return [id];
    case 'Pod':
      // A container set's pod hangs followers off its last Container nodes (only they are its children).
      if (!node.children?.some((c) => ctx.nodes[c]?.type === 'Container' && ctx.nodes[c]?.boundaryID === id))
        return [id];
      return node.children.flatMap((c) => outboundNodes(ctx, c));
    case 'Container':
    case 'TaskGroup':
      if (!node.children || node.children.length === 0) return [id];
      return node.children.flatMap((c) =>
        node.type === 'Container' && ctx.nodes[c]?.boundaryID !== node.boundaryID ? [id] : outboundNodes(ctx, c),
      );
    case 'Retry': {
      const last = node.children?.[node.children.length - 1];
      if (last) return [last];
      break;
    }
    case 'Steps':
    case 'DAG':
      // Served from the memoization cache: it has no children to hang off.
      if (node.memoizationStatus?.hit) return [id];
      break;
    default:
      break;
  }
  return (node.outboundNodes ?? []).flatMap((o) => outboundNodes(ctx, o));
}

/** Builds an empty context (used by decide and by tests). */
export function newContext(
  wf: Workflow,
  now: Date,
  controller: ControllerSettings,
  executeTemplate: ExecuteTemplate,
): ExecContext {
  return {
    executeTemplate,
    wf,
    wfName: wf.metadata.name ?? '',
    wfNamespace: wf.metadata.namespace ?? '',
    now: formatTime(now),
    nowDate: now,
    controller,
    nodes: {},
    podsByNodeId: new Map(),
    taskResults: new Map(),
    executorPlaces: new Set(),
    actions: [],
    reasons: [],
    templates: new Map(
      (wf.spec.templates ?? []).map((t) => [t.name, withTemplateDefaults(t, wf.spec.templateDefaults)]),
    ),
    globals: {},
    podNameFormat: 'v2',
    deadlineExceeded: false,
    owned: new WeakSet(),
    childSets: new Map(),
    cache: new WeakMap(),
    ids: new Map(),
    taskIds: new Map(),
    childScopes: new Map(),
  };
}

/** A new node's `inputs`: its parameters and artifacts as processed (Argo records both). */
export function setNodeInputs(node: NodeStatus, params: Parameter[], artifacts: Artifact[] | undefined): void {
  const inputs: NodeStatus['inputs'] = {};
  if (params.length > 0) inputs.parameters = params;
  if (artifacts && artifacts.length > 0) inputs.artifacts = artifacts;
  if (inputs.parameters || inputs.artifacts) node.inputs = inputs;
}
