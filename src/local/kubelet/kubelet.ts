/**
 * The local node's kubelet (and scheduler): binds pending pods to `<cluster>-node`, runs each pod
 * with a {@link PodWorker} on the process or sim runtime, terminates pods that are deleted, and
 * confirms their deletion; it also runs the cluster's Job controller. It works in-process against the cluster's store, so every change it
 * makes is an ordinary write that watches and clients see.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../logger.ts';
import { deleteObject } from '../apiserver/deletion.ts';
import type { LogStore } from '../apiserver/logs.ts';
import { kubeTime, type ClusterState } from '../apiserver/objects.ts';
import type { KubeObject } from '../apiserver/resources.ts';
import { bindPod } from '../apiserver/reviews.ts';
import type { StoreEvent } from '../apiserver/store.ts';
import { onProcessExit } from './exit-hooks.ts';
import { recordEvent } from './node.ts';
import { nodeRestartStatus } from './pod-status.ts';
import { ProcessLedger, reapLedger } from './process-ledger.ts';
import { PodWorker } from './pod-worker.ts';
import { JobController } from './job-controller.ts';
import { ClaimBinder } from './claim-binder.ts';
import { ProcessRuntime } from './process-runtime.ts';
import type { ContainerRuntime } from './runtime.ts';
import { SimRuntime, type SimDefaults } from './sim-runtime.ts';

export type { SimDefaults };

export interface KubeletOptions {
  state: ClusterState;
  logs: LogStore;
  nodeName: string;
  nodeIp: string;
  runtime: 'process' | 'sim' | ContainerRuntime;
  logger: Logger;
  /** Root of the per-pod directories. */
  workDir: string;
  /** The API server URL, exported to pods as KUBERNETES_SERVICE_HOST/PORT. */
  apiUrl?: string;
  /** The API server's CA, and ServiceAccount tokens, for in-pod clients (Argo's executor stand-in). */
  caPem?: string;
  tokenFor?: (namespace: string, serviceAccount: string) => string | undefined;
  simDefaults?: SimDefaults;
  /** Record Events (Scheduled, Started, ...). Default: true for process, false for sim. */
  events?: boolean;
  /** Cap on the SIGTERM → SIGKILL wait. Default 5 s. */
  maxGraceMs?: number;
  /**
   * How long a pod waits in ImagePullBackOff for an image the host cannot stand in before it fails with
   * a message (local mode can never pull it). Default 15 s; placement `failoverAfter` below it still moves.
   */
  unpullableGiveUpMs?: number;
  /**
   * Where the process runtime records the process groups it starts (0600), in a folder that outlives
   * this process (`--data-dir`, or the stack's temporary folder). At start, what a dead kubelet left
   * running there is stopped before its pods are marked Failed, so a retry never runs beside an orphan.
   */
  processLedger?: string;
}

/** How long an image local mode cannot run stays in ImagePullBackOff before the pod fails. */
export const DEFAULT_UNPULLABLE_GIVE_UP_MS = 15_000;

export class Kubelet {
  private readonly runtime: ContainerRuntime;
  private readonly workers = new Map<string, PodWorker>();
  private unsubscribe: (() => void) | undefined;
  private readonly pending = new Map<string, StoreEvent>();
  private scheduled = false;
  private readonly events: boolean;
  /** The node also runs the cluster's Job controller (Jobs are pods on this node). */
  private readonly jobs: JobController;

  constructor(private readonly opts: KubeletOptions) {
    const rt = opts.runtime;
    const ledger = opts.processLedger ? new ProcessLedger(opts.processLedger) : undefined;
    this.runtime = rt === 'sim' ? new SimRuntime(opts.simDefaults) : rt === 'process' ? new ProcessRuntime(ledger) : rt;
    this.events = opts.events ?? this.runtime.name === 'process';
    this.jobs = new JobController(opts.state, opts.logger.child({ component: 'job-controller' }));
    this.claims = new ClaimBinder(opts.state, opts.workDir, opts.logger.child({ component: 'claim-binder' }));
  }

  /** The node also binds PersistentVolumeClaims (a minimal provisioner; claims are host directories). */
  private readonly claims: ClaimBinder;

  /** The private directory of a pod (workspace, tmp, termination logs); `/tmp/x` maps to `<dir>/tmp/x`. */
  podDir(pod: KubeObject): string {
    return join(
      this.opts.workDir,
      pod.metadata.namespace,
      `${pod.metadata.name}-${String(pod.metadata.uid).slice(0, 8)}`,
    );
  }

  start(): void {
    if (this.unsubscribe) return;
    mkdirSync(this.opts.workDir, { recursive: true });
    this.unsubscribe = this.opts.state.store.subscribe((e) => {
      if (e.rk === '/persistentvolumeclaims') return this.retryUnbound(e.namespace);
      if (e.rk !== '/pods') return;
      this.pending.set(`${e.namespace}/${e.object.metadata.name}`, e);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.drain());
      }
    });
    this.reapOrphans();
    for (const pod of this.opts.state.store.list('/pods')) this.adoptAfterRestart(pod);
    this.jobs.start();
    this.claims.start();
    // Containers are detached process groups: do not leave them behind if this process exits.
    const rt = this.runtime;
    if (rt instanceof ProcessRuntime) this.cancelExitHook = onProcessExit(() => rt.killAll());
  }

  private cancelExitHook: () => void = () => {};

  /** Stops every pod process (no status writes) and detaches from the store. */
  async stop(): Promise<void> {
    this.jobs.stop();
    this.claims.stop();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const w of this.workers.values()) w.terminate('shutdown');
    await Promise.all([...this.workers.values()].map((w) => w.done));
    this.workers.clear();
    // Only now: a process that exits while containers are still being stopped (a second Ctrl-C, or
    // the signal `npx`/`tsx` relays on top of the terminal's) must still kill every group it started.
    this.cancelExitHook();
  }

  /** A claim changed: pods of its namespace still waiting for a node are looked at again. */
  private retryUnbound(namespace: string): void {
    for (const pod of this.opts.state.store.list('/pods', namespace)) {
      if (pod.spec?.nodeName || pod.metadata.deletionTimestamp) continue;
      this.pending.set(`${namespace}/${pod.metadata.name}`, {
        type: 'MODIFIED',
        rk: '/pods',
        namespace,
        object: pod,
        rv: 0,
      });
    }
    if (!this.scheduled && this.pending.size > 0) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Stops the containers a previous kubelet process recorded and left running (it was killed). */
  private reapOrphans(): void {
    if (!this.opts.processLedger) return;
    const killed = reapLedger(this.opts.processLedger);
    if (killed.length) this.opts.logger.warn('stopped containers a previous kubelet left running', { pids: killed });
  }

  /** Pods found bound to this node at start (persisted state) were running on a node that died. */
  private adoptAfterRestart(pod: KubeObject): void {
    const phase = pod.status?.phase;
    if (pod.spec?.nodeName !== this.opts.nodeName || phase === 'Succeeded' || phase === 'Failed') {
      if (!pod.spec?.nodeName)
        this.handle({ type: 'ADDED', rk: '/pods', namespace: pod.metadata.namespace, object: pod, rv: 0 });
      return;
    }
    const def = this.opts.state.registry.byKey('/pods')!;
    const status = nodeRestartStatus(pod.status, this.opts.state.now());
    try {
      this.opts.state.update(def, pod.metadata.namespace, pod.metadata.name, { ...pod, status }, 'status');
    } catch (e) {
      this.opts.logger.warn('could not fail orphaned pod', { pod: pod.metadata.name, err: e });
    }
  }

  private drain(): void {
    this.scheduled = false;
    const batch = [...this.pending.values()];
    this.pending.clear();
    for (const e of batch) {
      try {
        this.handle(e);
      } catch (err) {
        this.opts.logger.error('kubelet failed to handle pod event', { pod: e.object.metadata.name, err });
      }
    }
  }

  private handle(e: StoreEvent): void {
    const pod = e.object;
    const uid: string = pod.metadata.uid;
    if (e.type === 'DELETED') {
      const w = this.workers.get(uid);
      if (w) w.terminate('shutdown');
      this.forget(pod, uid);
      return;
    }
    const current = this.opts.state.store.get('/pods', pod.metadata.namespace, pod.metadata.name);
    if (!current || current.metadata.uid !== uid) return;
    if (!current.spec?.nodeName) return this.bind(current);
    if (current.spec.nodeName !== this.opts.nodeName) return;
    const worker = this.workers.get(uid);
    if (current.metadata.deletionTimestamp) {
      if (worker) worker.terminate('deleted');
      else this.confirmDeletion(current);
      return;
    }
    const phase = current.status?.phase;
    if (!worker && phase !== 'Succeeded' && phase !== 'Failed') this.startWorker(current);
  }

  private bind(pod: KubeObject): void {
    if (pod.metadata.deletionTimestamp) return;
    // Pods for another scheduler are not ours to place, as with kube-scheduler.
    if ((pod.spec?.schedulerName ?? 'default-scheduler') !== 'default-scheduler') return;
    const unschedulable = unschedulableReason(this.opts.state, pod, this.opts.nodeName);
    if (unschedulable) return this.markUnschedulable(pod, unschedulable);
    try {
      bindPod(this.opts.state, pod.metadata.namespace, pod.metadata.name, this.opts.nodeName);
      if (this.events) {
        const msg = `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${this.opts.nodeName}`;
        recordEvent(this.opts.state, pod, 'Normal', 'Scheduled', msg, 'default-scheduler');
      }
    } catch (e) {
      this.opts.logger.debug('bind failed', { pod: pod.metadata.name, err: e });
    }
  }

  /** Records PodScheduled=False (once), as kube-scheduler does for a pod no node fits. */
  private markUnschedulable(pod: KubeObject, message: string): void {
    const conditions: KubeObject[] = pod.status?.conditions ?? [];
    if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')) return;
    const condition = {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: kubeTime(this.opts.state.now()),
      reason: 'Unschedulable',
      message,
    };
    const status = { ...pod.status, conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), condition] };
    try {
      this.opts.state.update(
        this.opts.state.registry.byKey('/pods')!,
        pod.metadata.namespace,
        pod.metadata.name,
        { ...pod, status },
        'status',
      );
      if (this.events) recordEvent(this.opts.state, pod, 'Warning', 'FailedScheduling', message, 'default-scheduler');
    } catch (e) {
      this.opts.logger.debug('unschedulable status write failed', { pod: pod.metadata.name, err: e });
    }
  }

  private startWorker(pod: KubeObject): void {
    const url = this.opts.apiUrl ? new URL(this.opts.apiUrl) : undefined;
    const worker = new PodWorker(
      {
        state: this.opts.state,
        logs: this.opts.logs,
        runtime: this.runtime,
        logger: this.opts.logger,
        nodeIp: this.opts.nodeIp,
        events: this.events,
        maxGraceMs: this.opts.maxGraceMs ?? 5000,
        unpullableGiveUpMs: this.opts.unpullableGiveUpMs ?? DEFAULT_UNPULLABLE_GIVE_UP_MS,
        podDir: (p) => this.podDir(p),
        ...(url ? { serviceEnv: { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port } } : {}),
        ...(this.opts.apiUrl && this.opts.caPem
          ? {
              api: {
                url: this.opts.apiUrl,
                caPem: this.opts.caPem,
                tokenFor: (ns: string, sa: string) => this.opts.tokenFor?.(ns, sa),
              },
            }
          : {}),
      },
      pod,
    );
    this.workers.set(pod.metadata.uid, worker);
    void worker.done.then(() => {
      if (this.workers.get(pod.metadata.uid) === worker) this.workers.delete(pod.metadata.uid);
    });
  }

  private confirmDeletion(pod: KubeObject): void {
    try {
      deleteObject(
        this.opts.state,
        this.opts.state.registry.byKey('/pods')!,
        pod.metadata.namespace,
        pod.metadata.name,
        {
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata.uid },
        },
      );
    } catch {
      // Already gone.
    }
  }

  private forget(pod: KubeObject, uid: string): void {
    this.opts.logs.forget(uid);
    if (this.runtime.name === 'process') rmSync(this.podDir(pod), { recursive: true, force: true });
  }
}

/** Why the local node cannot take `pod` (nodeSelector mismatch), in kube-scheduler's words. */
export function unschedulableReason(state: ClusterState, pod: KubeObject, nodeName: string): string | undefined {
  const node = state.store.get('/nodes', '', nodeName);
  // A cordoned node (`kubectl cordon`) takes no new pods; tests use it to hold pods unschedulable.
  if (node?.spec?.unschedulable === true)
    return (
      '0/1 nodes are available: 1 node(s) were unschedulable. ' +
      'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.'
    );
  const claims = claimProblem(state, pod);
  if (claims)
    return `0/1 nodes are available: ${claims}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`;
  const selector: Record<string, string> = pod.spec?.nodeSelector ?? {};
  const labels: Record<string, string> = node?.metadata.labels ?? {};
  const fits = Object.entries(selector).every(([k, v]) => labels[k] === v);
  if (fits && matchesNodeAffinity(pod, labels)) return undefined;
  return (
    "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. " +
    'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.'
  );
}

/** kube-scheduler's VolumeBinding filter: every claim the pod mounts exists and is bound. */
function claimProblem(state: ClusterState, pod: KubeObject): string | undefined {
  for (const v of (pod.spec?.volumes ?? []) as KubeObject[]) {
    const name = v.persistentVolumeClaim?.claimName;
    if (!name) continue;
    const claim = state.store.get('/persistentvolumeclaims', pod.metadata.namespace, String(name));
    if (!claim) return `persistentvolumeclaim "${name}" not found`;
    if (claim.metadata.deletionTimestamp) return `persistentvolumeclaim "${name}" is being deleted`;
    if (claim.status?.phase !== 'Bound') return 'pod has unbound immediate PersistentVolumeClaims';
  }
  return undefined;
}

/** A node selector requirement against the node's labels (In, NotIn, Exists, DoesNotExist, Gt, Lt). */
function requirementHolds(r: KubeObject, labels: Record<string, string>): boolean {
  const v = labels[r.key];
  const values: string[] = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return v !== undefined && values.includes(v);
    case 'NotIn':
      return v === undefined || !values.includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
      return v !== undefined && Number(v) > Number(values[0]);
    case 'Lt':
      return v !== undefined && Number(v) < Number(values[0]);
    default:
      return false;
  }
}

/** The required node affinity: some term whose every label expression holds (fields are not matched). */
function matchesNodeAffinity(pod: KubeObject, labels: Record<string, string>): boolean {
  const terms: KubeObject[] | undefined =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  return terms.some((t) => ((t.matchExpressions ?? []) as KubeObject[]).every((r) => requirementHolds(r, labels)));
}
