/**
 * Builds the pod of a container/script node: one `main` container, restartPolicy Never, Argo's labels
 * and annotations, the multi-cluster labels, and an ownerReference only when the pod lives next to
 * its Workflow (same cluster and namespace).
 */
import type { KubeContainer, KubePod } from '../contract.ts';
import type { ExecContext } from '../context.ts';
import type { NodeStatus, Template } from '../types.ts';
import {
  ANNOTATION_DEFAULT_CONTAINER,
  ANNOTATION_NODE_ID,
  ANNOTATION_NODE_NAME,
  ANNOTATION_POD_GC_STRATEGY,
  LABEL_COMPLETED,
  LABEL_INSTANCE_ID,
  LABEL_WORKFLOW,
  LABEL_WORKFLOW_UID,
  LABEL_WORKFLOW_CLUSTER_NAME,
  LABEL_WORKFLOW_NAMESPACE,
} from '../labels.ts';
import { scriptContainer } from './script.ts';
import { chainResolvers, mapResolver, substituteDeep, type Resolver } from '../substitute.ts';
import { isAbsentOptionalError } from '../expr/absent.ts';
import { isExpressionTagError } from '../expr/expression-tag.ts';
import { outputFiles, PodBuildError, wrapContainer } from './outputs-wrapper.ts';
import { volumeProblems } from '../volumes.ts';
import { podGcAnnotation } from '../pod-gc.ts';
import { DEFAULT_EXECUTOR_IMAGE, executorParts, NO_DEADLINE, wrapForEmissary } from './executor-pod.ts';
import { checkExecutorAccount, executorServiceAccount, podSurface } from './pod-surface.ts';
import { applyPodSpecPatches, podSpecPatches } from './pod-spec-patch.ts';
import { dataParts } from './data-pod.ts';
import { resourceParts } from './resource-pod.ts';
import { claimVolume } from './claims.ts';
import { defaultContainerName } from './container-set.ts';

/** Where a pod goes and as whom. */
export interface PodTarget {
  cluster: string;
  namespace: string;
  serviceAccountName?: string;
}

/** The `main` container; throws `PodBuildError` when output files cannot be captured. */
function mainContainer(t: Template): KubeContainer {
  const files = outputFiles(t);
  if (t.script) return scriptContainer(t.script, files);
  return wrapContainer({ ...(t.container ?? {}), name: 'main' }, files);
}

/** True when pods at `target` are built for Argo's executor (the place serves WorkflowTaskResults). */
export function isExecutorTarget(ctx: ExecContext, target: { cluster: string; namespace: string }): boolean {
  return ctx.executorPlaces.has(`${target.cluster}/${target.namespace}`);
}

/** Executor pods: `init`, `wait` and the emissary-wrapped `main` (docs/adr/0009-argo-executor-pods.md). */
function executorSpec(ctx: ExecContext, node: NodeStatus, t: Template, includeScriptOutput: boolean) {
  const deadline = isExitHandlerNode(node) ? undefined : workflowDeadline(ctx);
  checkExecutorAccount(ctx, t);
  const serviceAccountName = executorServiceAccount(ctx, t);
  const resources = ctx.controller.executorResources;
  return (t.resource ? resourceParts : t.data ? dataParts : executorParts)(t, {
    ...(serviceAccountName ? { serviceAccountName } : {}),
    ...(resources ? { resources } : {}),
    nodeId: node.id,
    workflowName: ctx.wfName,
    workflowUid: ctx.wf.metadata.uid ?? '',
    instanceId: ctx.controller.instanceId,
    includeScriptOutput,
    deadline: deadline === undefined ? NO_DEADLINE : new Date(deadline).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    image: ctx.controller.executorImage || DEFAULT_EXECUTOR_IMAGE,
  });
}

/** Argo skips the workflow deadline for exit-handler pods; their node names end in `.onExit`. */
function isExitHandlerNode(node: NodeStatus): boolean {
  return node.name.endsWith('.onExit');
}

/** True when the pod lives in the workflow's own cluster and namespace. */
export function isLocalTarget(ctx: ExecContext, target: PodTarget): boolean {
  return target.cluster === ctx.controller.clusterName && target.namespace === ctx.wfNamespace;
}

/** Argo's labels and annotations, podMetadata's and the template's, and the multi-cluster labels. */
function podMetadata(ctx: ExecContext, node: NodeStatus, t: Template, target: PodTarget): KubePod['metadata'] {
  const spec = ctx.wf.spec;
  // Workflow-level podMetadata sees the globals (Argo substitutes them over the whole spec).
  const meta = spec.podMetadata ? substituteDeep(spec.podMetadata, mapResolver(ctx.globals)) : undefined;
  const labels: Record<string, string> = {
    ...(meta?.labels ?? {}),
    ...(t.metadata?.labels ?? {}),
    [LABEL_WORKFLOW]: ctx.wfName,
    [LABEL_COMPLETED]: 'false',
  };
  if (ctx.controller.instanceId) labels[LABEL_INSTANCE_ID] = ctx.controller.instanceId;
  if (ctx.wf.metadata.uid) labels[LABEL_WORKFLOW_UID] = ctx.wf.metadata.uid;
  if (target.cluster !== ctx.controller.clusterName) labels[LABEL_WORKFLOW_CLUSTER_NAME] = ctx.controller.clusterName;
  if (target.namespace !== ctx.wfNamespace) labels[LABEL_WORKFLOW_NAMESPACE] = ctx.wfNamespace;
  const annotations: Record<string, string> = {
    ...(meta?.annotations ?? {}),
    ...(t.metadata?.annotations ?? {}),
    [ANNOTATION_NODE_NAME]: node.name,
    [ANNOTATION_NODE_ID]: node.id,
    [ANNOTATION_DEFAULT_CONTAINER]: defaultContainerName(t),
  };
  const gc = podGcAnnotation(ctx);
  if (gc) annotations[ANNOTATION_POD_GC_STRATEGY] = gc;
  return { name: '', namespace: target.namespace, labels, annotations };
}

type Named = { name?: string };

/** Names the user's containers mount, in order (Argo's executor containers excluded). */
function mountedNames(spec: KubePod['spec'], skip: Set<string>): string[] {
  const user = [
    ...((spec.initContainers as KubeContainer[] | undefined) ?? []).filter((c) => c.name !== 'init'),
    ...spec.containers.filter((c) => c.name !== 'wait'),
  ];
  const names = user.flatMap((c) => ((c.volumeMounts as Named[] | undefined) ?? []).map((m) => String(m.name)));
  return [...new Set(names)].filter((n) => !skip.has(n));
}

/**
 * A workflow-level volume with the caller's scope and the globals substituted (Argo's
 * substituteParamsInVolumes, from steps.go/dag.go with the sibling scope and operator.go with the
 * globals); unknown tags stay as written (allowUnresolved). An absent optional or a failing expression
 * cannot name a volume: the node errors with its message.
 */
function substitutedVolume(ctx: ExecContext, v: Named, callerScope: Resolver | undefined): Named {
  const globals = mapResolver(ctx.globals);
  try {
    return substituteDeep(v, callerScope ? chainResolvers(callerScope, globals) : globals);
  } catch (e) {
    if (isAbsentOptionalError(e) || isExpressionTagError(e)) throw new PodBuildError(`volumes: ${e.message}`);
    throw e;
  }
}

/**
 * The user's volumes (Argo's `createVolumes`, `addVolumeReferences`): the template's, then each workflow
 * volume a container mounts (substituted); a mount naming neither is Argo's error. hostPath is refused.
 */
function userVolumes(
  ctx: ExecContext,
  t: Template,
  spec: KubePod['spec'],
  execVolumes: Named[],
  target: PodTarget,
  callerScope: Resolver | undefined,
): unknown[] {
  const own = (t.volumes as Named[] | undefined) ?? [];
  const workflow = (ctx.wf.spec.volumes as Named[] | undefined) ?? [];
  const skip = new Set([...execVolumes, ...own].map((v) => String(v.name)));
  const volumes: unknown[] = [...own];
  for (const name of mountedNames(spec, skip)) {
    // Argo resolves mounts against spec.volumes, then the claims of spec.volumeClaimTemplates.
    const declared = workflow.find((x) => x.name === name);
    const v = declared ? substitutedVolume(ctx, declared, callerScope) : claimVolume(ctx, name, target);
    if (!v) throw new PodBuildError(`volume '${name}' not found in workflow spec`);
    volumes.push(v);
  }
  const refused = volumeProblems(volumes, 'volumes')[0];
  if (refused) throw new PodBuildError(`${refused.path}: ${refused.message}`);
  return volumes;
}

/**
 * The pod spec in Argo's order: containers, account, the pod surface, volumes, deadline, then the
 * podSpecPatches, and last the emissary rewrite of the user containers.
 */
function podSpecOf(
  ctx: ExecContext,
  node: NodeStatus,
  t: Template,
  name: string,
  target: PodTarget,
  includeScriptOutput: boolean,
  callerScope: Resolver | undefined,
): KubePod['spec'] {
  const exec = isExecutorTarget(ctx, target) ? executorSpec(ctx, node, t, includeScriptOutput) : undefined;
  const podSpec: KubePod['spec'] = { restartPolicy: 'Never', containers: exec?.containers ?? [mainContainer(t)] };
  if (exec) podSpec.initContainers = exec.initContainers;
  if (target.serviceAccountName) podSpec.serviceAccountName = target.serviceAccountName;
  Object.assign(podSpec, podSurface(ctx, node, t));
  const volumes = [...(exec?.volumes ?? []), ...userVolumes(ctx, t, podSpec, exec?.volumes ?? [], target, callerScope)];
  if (volumes.length > 0) podSpec.volumes = volumes;
  const deadline = podDeadlineSeconds(ctx, t);
  if (deadline !== undefined) podSpec.activeDeadlineSeconds = deadline;
  const patched = applyPodSpecPatches(podSpec, podSpecPatches(ctx, t, name));
  if (exec) graceEnv(patched);
  // A resource or data pod's main is argoexec itself, never wrapped.
  if (exec && !t.resource && !t.data) patched.containers = wrapForEmissary(patched.containers);
  return patched;
}

/** Argo tells every regular container the pod's grace period, which emissary uses to stop processes. */
function graceEnv(spec: KubePod['spec']): void {
  const grace = spec.terminationGracePeriodSeconds;
  if (grace === undefined || grace === null) return;
  const env = { name: 'ARGO_TERMINATION_GRACE_PERIOD_SECONDS', value: String(grace) };
  spec.containers = spec.containers.map((c) => ({ ...c, env: [...(c.env ?? []), env] }));
}

/**
 * The pod for a node; `callerScope` is the scope its step/task was resolved in (for the workflow
 * volumes). Throws `PodBuildError` (the node errors) when it cannot be built.
 */
export function buildPod(
  ctx: ExecContext,
  node: NodeStatus,
  t: Template,
  name: string,
  target: PodTarget,
  includeScriptOutput = false,
  callerScope?: Resolver,
): KubePod {
  const metadata = { ...podMetadata(ctx, node, t, target), name };
  const pod: KubePod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: podSpecOf(ctx, node, t, name, target, includeScriptOutput, callerScope),
  };
  if (isLocalTarget(ctx, target) && ctx.wf.metadata.uid) {
    pod.metadata.ownerReferences = [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        name: ctx.wfName,
        uid: ctx.wf.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
  }
  return pod;
}

/** min(template activeDeadlineSeconds, seconds left of the workflow deadline), when either is set. */
function podDeadlineSeconds(ctx: ExecContext, t: Template): number | undefined {
  const raw = t.activeDeadlineSeconds;
  let tmpl = raw === undefined || raw === '' ? undefined : Number(raw);
  if (tmpl !== undefined && !Number.isFinite(tmpl)) tmpl = undefined;
  const wfDeadline = workflowDeadline(ctx);
  const left =
    wfDeadline === undefined ? undefined : Math.max(1, Math.ceil((wfDeadline - ctx.nowDate.getTime()) / 1000));
  if (tmpl === undefined) return left;
  if (left === undefined) return tmpl;
  return Math.min(tmpl, left);
}

/** The workflow deadline in epoch ms (startedAt + activeDeadlineSeconds), if any. */
export function workflowDeadline(ctx: ExecContext): number | undefined {
  const secs = ctx.wf.spec.activeDeadlineSeconds;
  const started = ctx.wf.status?.startedAt ?? ctx.now;
  if (secs === undefined || secs === null) return undefined;
  return Date.parse(started) + Number(secs) * 1000;
}
