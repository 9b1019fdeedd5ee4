/**
 * Pod status as a real kubelet writes it: phases, the five standard conditions with transition
 * times that only move when the status flips, and container statuses in their waiting / running /
 * terminated states.
 */
import type { KubeObject } from '../apiserver/resources.ts';
import { kubeTime } from '../apiserver/objects.ts';
import type { ContainerExit, RunningContainer } from './runtime.ts';

export type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: string }
  | { kind: 'terminated'; exit: ContainerExit; startedAt: string; finishedAt: string };

/** One container as the worker tracks it. */
export interface Slot {
  spec: KubeObject;
  state: ContainerState;
  id: string;
  restartCount: number;
  /** The previous run's terminated state (after a restart). */
  lastState?: Extract<ContainerState, { kind: 'terminated' }>;
  proc?: RunningContainer;
  /** Running but not ready: its readiness probe has not succeeded (or failed since), or it has not started (probes.ts). */
  unready?: boolean;
  /** Running but its startup probe has not succeeded yet (probes.ts). */
  unstarted?: boolean;
}

export function imageRef(image: string): string {
  let ref = image;
  const first = ref.split('/')[0]!;
  const hasRegistry = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) ref = `docker.io/${ref.includes('/') ? '' : 'library/'}${ref}`;
  const last = ref.split('/').pop()!;
  if (!last.includes(':') && !last.includes('@')) ref += ':latest';
  return ref;
}

function terminatedOf(state: Extract<ContainerState, { kind: 'terminated' }>, containerId: string): KubeObject {
  const e = state.exit;
  const terminated: KubeObject = {
    exitCode: e.exitCode,
    reason: e.reason ?? (e.exitCode === 0 ? 'Completed' : 'Error'),
    startedAt: state.startedAt,
    finishedAt: state.finishedAt,
    containerID: `argosy://${containerId}`,
  };
  if (e.message) terminated.message = e.message;
  const signal = e.signal ? { SIGTERM: 15, SIGKILL: 9 }[e.signal as string] : undefined;
  if (signal !== undefined) terminated.signal = signal;
  return terminated;
}

/** One entry of status.containerStatuses / initContainerStatuses. */
export function containerStatus(slot: Slot): KubeObject {
  const { spec: container, state, id: containerId } = slot;
  const base: KubeObject = {
    name: container.name,
    image: imageRef(String(container.image)),
    imageID: '',
    lastState: slot.lastState ? { terminated: terminatedOf(slot.lastState, containerId) } : {},
    ready: false,
    restartCount: slot.restartCount,
    started: false,
  };
  if (state.kind === 'waiting') {
    const waiting: KubeObject = { reason: state.reason };
    if (state.message) waiting.message = state.message;
    return { ...base, state: { waiting } };
  }
  const withId = { ...base, imageID: `${base.image}@sha256:${'0'.repeat(64)}`, containerID: `argosy://${containerId}` };
  if (state.kind === 'running') {
    const ready = slot.unready !== true;
    const started = slot.unstarted !== true;
    return { ...withId, ready, started, state: { running: { startedAt: state.startedAt } } };
  }
  return { ...withId, state: { terminated: terminatedOf(state, containerId) } };
}

export interface ConditionFlags {
  initialized: boolean;
  ready: boolean;
  /** Reason for Ready/ContainersReady False: `ContainersNotReady` or `PodCompleted`/`PodFailed`. */
  notReadyReason?: string;
  notReadyMessage?: string;
  initMessage?: string;
}

/** The standard conditions, keeping each one's lastTransitionTime unless its status flips. */
export function podConditions(previous: KubeObject[] | undefined, flags: ConditionFlags, now: Date): KubeObject[] {
  const t = kubeTime(now);
  const prev = new Map((previous ?? []).map((c) => [c.type, c]));
  const cond = (type: string, ok: boolean, reason?: string, message?: string): KubeObject => {
    const status = ok ? 'True' : 'False';
    const old = prev.get(type);
    const c: KubeObject = {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: old && old.status === status ? old.lastTransitionTime : t,
    };
    if (!ok && reason) c.reason = reason;
    if (!ok && message) c.message = message;
    return c;
  };
  const scheduled = prev.get('PodScheduled') ?? cond('PodScheduled', true);
  return [
    cond('PodReadyToStartContainers', true),
    cond('Initialized', flags.initialized, 'ContainersNotInitialized', flags.initMessage),
    cond('Ready', flags.ready, flags.notReadyReason ?? 'ContainersNotReady', flags.notReadyMessage),
    cond('ContainersReady', flags.ready, flags.notReadyReason ?? 'ContainersNotReady', flags.notReadyMessage),
    scheduled,
  ];
}

/** The whole pod status for the current slots (`extra` sets phase, reason, message). */
export function buildPodStatus(
  previous: KubeObject | undefined,
  init: Slot[],
  main: Slot[],
  extra: KubeObject,
  nodeIp: string,
  now: Date,
  podIp = nodeIp,
): KubeObject {
  const initDone = init.every((s) => s.state.kind === 'terminated' && s.state.exit.exitCode === 0);
  const allRunning = main.every((s) => s.state.kind === 'running' && s.unready !== true);
  const terminal = extra.phase === 'Succeeded' || extra.phase === 'Failed';
  const notReady = main.filter((s) => s.state.kind !== 'running' || s.unready === true).map((s) => s.spec.name);
  const incomplete = init.filter((s) => s.state.kind !== 'terminated').map((s) => s.spec.name);
  const flags: ConditionFlags = { initialized: initDone, ready: allRunning && !terminal };
  if (terminal) flags.notReadyReason = extra.phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed';
  else if (notReady.length) flags.notReadyMessage = `containers with unready status: [${notReady.join(' ')}]`;
  if (!initDone) flags.initMessage = `containers with incomplete status: [${incomplete.join(' ')}]`;
  const status: KubeObject = {
    ...previous,
    conditions: podConditions(previous?.conditions, flags, now),
    hostIP: nodeIp,
    hostIPs: [{ ip: nodeIp }],
    podIP: podIp,
    podIPs: [{ ip: podIp }],
    startTime: previous?.startTime ?? kubeTime(now),
    // The kubelet sorts regular containers' statuses by name (init containers keep the spec order).
    containerStatuses: main.map(containerStatus).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    ...extra,
  };
  if (init.length) status.initContainerStatuses = init.map(containerStatus);
  return status;
}

/**
 * Kubernetes' words for a container whose process the kubelet can no longer find when the pod ends
 * (pkg/kubelet/kubelet_pods.go): terminated, exit code 137, ContainerStatusUnknown.
 */
const LOST_CONTAINER = {
  exitCode: 137,
  reason: 'ContainerStatusUnknown',
  message: 'The container could not be located when the pod was terminated',
};

function lostContainer(status: KubeObject, finishedAt: string): KubeObject {
  if (status.state?.terminated) return { ...status, ready: false, started: false };
  const startedAt = status.state?.running?.startedAt;
  const terminated = { ...LOST_CONTAINER, ...(startedAt ? { startedAt } : {}), finishedAt };
  return { ...status, ready: false, started: false, state: { terminated } };
}

/**
 * The status of a pod that was running on this node when the kubelet's process died: Failed with
 * NodeRestart, not Ready, and every container that had not ended terminated (its process was stopped
 * by the restarted kubelet), so nothing reports a running container of a failed pod.
 */
export function nodeRestartStatus(previous: KubeObject | undefined, now: Date): KubeObject {
  const t = kubeTime(now);
  const lost = (list: KubeObject[] | undefined) => list?.map((c) => lostContainer(c, t));
  const initDone = ((previous?.initContainerStatuses ?? []) as KubeObject[]).every(
    (c) => c.state?.terminated?.exitCode === 0,
  );
  const flags: ConditionFlags = { initialized: initDone, ready: false, notReadyReason: 'PodFailed' };
  const status: KubeObject = {
    ...previous,
    phase: 'Failed',
    reason: 'NodeRestart',
    message: 'The node restarted while the pod was running; its containers were stopped',
    conditions: podConditions(previous?.conditions, flags, now),
  };
  if (previous?.containerStatuses) status.containerStatuses = lost(previous.containerStatuses);
  if (previous?.initContainerStatuses) status.initContainerStatuses = lost(previous.initContainerStatuses);
  return status;
}
