/**
 * The life of one pod on the local node, step by step like a kubelet: Pending with containers
 * creating → image "pull" (ErrImagePull/ImagePullBackOff when the host cannot stand in) → init
 * containers in order → main containers together (Running, Ready) → Succeeded/Failed. Enforces
 * activeDeadlineSeconds and graceful termination on deletion. Every step is one status write
 * through the store, so watches see each transition.
 */
import { randomBytes } from 'node:crypto';
import { deleteObject } from '../apiserver/deletion.ts';
import type { ClusterState } from '../apiserver/objects.ts';
import { kubeTime } from '../apiserver/objects.ts';
import type { KubeObject } from '../apiserver/resources.ts';
import type { Logger } from '../../logger.ts';
import type { LogStore } from '../apiserver/logs.ts';
import { EnvError, resolveEnv } from './env.ts';
import { recordEvent } from './node.ts';
import { buildPodStatus, type Slot } from './pod-status.ts';

/** Where Kubernetes mounts a ServiceAccount token. */
const SA_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
import type { ContainerExit, ContainerRuntime, RunningContainer } from './runtime.ts';
import { allocatePodIp } from './pod-ip.ts';
import { ContainerProber, probesOf } from './probes.ts';
import type { ProbeSpec } from './probe-handlers.ts';

export interface WorkerContext {
  state: ClusterState;
  logs: LogStore;
  runtime: ContainerRuntime;
  logger: Logger;
  nodeIp: string;
  events: boolean;
  /** Upper bound on the SIGTERM → SIGKILL wait (real kubelets wait the full grace period). */
  maxGraceMs: number;
  /** How long an image the host cannot stand in stays in ImagePullBackOff before the pod fails (default: forever). */
  unpullableGiveUpMs?: number;
  podDir(pod: KubeObject): string;
  /** KUBERNETES_SERVICE_HOST/PORT pointing at this cluster's API server. */
  serviceEnv?: Record<string, string>;
  /** This cluster's API for in-pod clients, and the token of a ServiceAccount (the token projection). */
  api?: { url: string; caPem: string; tokenFor(namespace: string, serviceAccount: string): string | undefined };
}

export class PodWorker {
  readonly uid: string;
  private readonly ns: string;
  private readonly name: string;
  private readonly init: Slot[];
  private readonly main: Slot[];
  private finished = false;
  /** Why the pod was given up on (an image local mode cannot run), when it was. */
  private gaveUp: string | undefined;
  private stopping: 'deleted' | 'deadline' | 'shutdown' | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private readonly sleepers = new Set<() => void>();
  /** This pod's own loopback address (pod-ip.ts); kept when a restarted kubelet picks the pod up again. */
  private readonly podIp: string;
  readonly done: Promise<void>;

  constructor(
    private readonly ctx: WorkerContext,
    private readonly pod: KubeObject,
  ) {
    this.uid = pod.metadata.uid;
    this.ns = pod.metadata.namespace;
    this.name = pod.metadata.name;
    const known = pod.status?.podIP as string | undefined;
    this.podIp = known && known !== ctx.nodeIp ? known : allocatePodIp();
    const slot = (c: KubeObject, reason: string): Slot => ({
      spec: c,
      state: { kind: 'waiting', reason },
      id: randomBytes(32).toString('hex'),
      restartCount: 0,
    });
    this.init = (pod.spec.initContainers ?? []).map((c: KubeObject) => slot(c, 'PodInitializing'));
    this.main = (pod.spec.containers ?? []).map((c: KubeObject) =>
      slot(c, this.init.length ? 'PodInitializing' : 'ContainerCreating'),
    );
    this.done = this.run().catch((e) => this.ctx.logger.error('pod worker failed', { pod: this.name, err: e }));
  }

  /** Stops the pod: deletion (graceful), deadline, or kubelet shutdown (immediate). */
  terminate(why: 'deleted' | 'deadline' | 'shutdown'): void {
    if (this.stopping || this.finished) return;
    this.stopping = why;
    const grace =
      why === 'shutdown'
        ? 0
        : Math.min((this.current()?.metadata.deletionGracePeriodSeconds ?? 30) * 1000, this.ctx.maxGraceMs);
    for (const s of [...this.init, ...this.main]) s.proc?.kill('SIGTERM');
    setTimeout(() => {
      for (const s of [...this.init, ...this.main]) s.proc?.kill('SIGKILL');
    }, grace).unref();
    for (const wake of [...this.sleepers]) wake();
  }

  private current(): KubeObject | undefined {
    const pod = this.ctx.state.store.get('/pods', this.ns, this.name);
    return pod && pod.metadata.uid === this.uid ? pod : undefined;
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.ctx.events) recordEvent(this.ctx.state, this.current() ?? this.pod, type, reason, message, 'kubelet');
  }

  /** Writes status; returns false once the pod is gone. */
  private write(extra: KubeObject = {}): boolean {
    const pod = this.current();
    if (!pod) return false;
    const now = this.ctx.state.now();
    const status = buildPodStatus(pod.status, this.init, this.main, extra, this.ctx.nodeIp, now, this.podIp);
    try {
      this.ctx.state.update(this.ctx.state.registry.byKey('/pods')!, this.ns, this.name, { ...pod, status }, 'status');
      return true;
    } catch (e) {
      this.ctx.logger.debug('pod status write failed', { pod: this.name, err: e });
      return !!this.current();
    }
  }

  private async run(): Promise<void> {
    if (!this.write({ phase: 'Pending' })) return;
    const deadline = Number(this.pod.spec.activeDeadlineSeconds);
    if (deadline > 0) {
      const started = Date.parse(this.current()?.status?.startTime ?? '') || Date.now();
      const ms = Math.max(0, started + deadline * 1000 - Date.now());
      this.deadlineTimer = setTimeout(() => this.terminate('deadline'), ms);
    }
    try {
      if (await this.pullAll()) {
        if (await this.runInit()) await this.runMain();
      }
    } finally {
      clearTimeout(this.deadlineTimer);
    }
    await this.finish();
  }

  /** "Pulls" every image; on failure parks the pod in ErrImagePull/ImagePullBackOff until stopped. */
  private async pullAll(): Promise<boolean> {
    for (const s of [...this.init, ...this.main]) {
      const r = this.ctx.runtime.pull(String(s.spec.image), this.pod);
      if (r.ok) continue;
      s.state = { kind: 'waiting', reason: 'ErrImagePull', message: r.message };
      this.write({ phase: 'Pending' });
      this.event('Warning', 'Failed', `Failed to pull image "${s.spec.image}": ${r.message}`);
      await this.sleepUnlessStopped(1000);
      if (!this.stopping) {
        s.state = { kind: 'waiting', reason: 'ImagePullBackOff', message: `Back-off pulling image "${s.spec.image}"` };
        this.write({ phase: 'Pending' });
        this.event('Normal', 'BackOff', `Back-off pulling image "${s.spec.image}"`);
      }
      await this.sleepUnlessStopped(this.ctx.unpullableGiveUpMs ?? Infinity);
      if (!this.stopping) this.giveUp(s, r.message);
      return false;
    }
    return true;
  }

  /**
   * Local mode only: an image the host cannot stand in never becomes pullable here, so after the back-off
   * has been visible for a while the pod fails with a message saying so, instead of waiting forever as a
   * real kubelet would for a registry.
   */
  private giveUp(s: Slot, why: string): void {
    this.gaveUp = `container ${String(s.spec.name)} cannot start on this local node: ${why}`;
    this.event('Warning', 'Failed', this.gaveUp);
  }

  private sleepUnlessStopped(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.sleepers.delete(wake);
        resolve();
      };
      const t = Number.isFinite(ms) ? setTimeout(wake, ms) : undefined;
      this.sleepers.add(wake);
    });
  }

  private async runInit(): Promise<boolean> {
    for (const s of this.init) {
      if (this.stopping) return false;
      const exit = await this.startAndWait(s, () => this.write({ phase: 'Pending' }));
      this.write({ phase: 'Pending' });
      if (exit.exitCode !== 0) return false;
    }
    return true;
  }

  private async runMain(): Promise<void> {
    if (this.stopping) return;
    for (const s of this.main) {
      if (s.state.kind === 'waiting') s.state = { kind: 'waiting', reason: 'ContainerCreating' };
    }
    await Promise.all(this.main.map((s) => this.runContainer(s)));
  }

  /** Runs one main container, restarting it with back-off as restartPolicy says. */
  private async runContainer(s: Slot): Promise<void> {
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    const name = String(s.spec.name);
    const who = `${this.name}_${this.ns}(${this.uid})`;
    for (;;) {
      const exit = await this.startAndWait(s, () => {
        if (this.main.every((m) => m.state.kind !== 'waiting')) this.write({ phase: 'Running' });
      });
      const restart = policy === 'Always' || (policy === 'OnFailure' && exit.exitCode !== 0);
      if (!restart || this.stopping || s.state.kind !== 'terminated') break;
      s.lastState = s.state;
      s.restartCount++;
      this.ctx.logs.rotate(this.uid, name);
      // Like the kubelet: the first restart is immediate, then 10 s doubling up to 5 min.
      const delay = s.restartCount === 1 ? 0 : Math.min(10_000 * 2 ** (s.restartCount - 2), 300_000);
      if (delay > 0) {
        const text = `back-off ${delay / 1000}s restarting failed container=${name} pod=${who}`;
        s.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message: text };
        this.write({ phase: 'Running' });
        this.event('Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${who}`);
        await this.sleepUnlessStopped(delay);
        if (this.stopping) break;
      }
    }
    if (!this.main.every((m) => m.state.kind === 'terminated')) this.write({ phase: 'Running' });
  }

  /** Starts one container, reports it running via `onRunning`, and waits for its exit. */
  private async startAndWait(s: Slot, onRunning: () => void): Promise<ContainerExit> {
    const startedAt = kubeTime(this.ctx.state.now());
    let env: Record<string, string>;
    try {
      env = { ...this.ctx.serviceEnv, ...resolveEnv(this.ctx.state, this.current() ?? this.pod, s.spec) };
    } catch (e) {
      if (!(e instanceof EnvError)) throw e;
      s.state = { kind: 'waiting', reason: e.reason, message: e.message };
      this.write({ phase: 'Pending' });
      this.event('Warning', 'Failed', `Error: ${e.message}`);
      await this.sleepUnlessStopped(Infinity);
      return { exitCode: 1 };
    }
    const podDir = this.ctx.podDir(this.pod);
    const name = String(s.spec.name);
    this.event('Normal', 'Pulled', `Container image "${s.spec.image}" already present on machine`);
    this.event('Normal', 'Created', `Created container ${name}`);
    s.proc = this.ctx.runtime.start({
      pod: this.current() ?? this.pod,
      container: s.spec,
      env,
      podDir,
      onOutput: (chunk) => this.ctx.logs.append(this.uid, name, chunk),
      secret: (secretName) => this.secretData(secretName),
      ...(this.ctx.api ? { api: this.apiFor(s.spec) } : {}),
    });
    s.state = { kind: 'running', startedAt };
    this.event('Normal', 'Started', `Started container ${name}`);
    this.watchProbes(s);
    onRunning();
    const exit = await s.proc.exited;
    this.ctx.logs.end(this.uid, name);
    if (!exit.message && exit.exitCode !== 0 && s.spec.terminationMessagePolicy === 'FallbackToLogsOnError') {
      const lines = this.ctx.logs.text(this.uid, name).split('\n').slice(-80).join('\n');
      if (lines) exit.message = lines.slice(-2048);
    }
    if (exit.reason === 'StartError' && exit.message) this.event('Warning', 'Failed', `Error: ${exit.message}`);
    s.state = { kind: 'terminated', exit, startedAt, finishedAt: kubeTime(this.ctx.state.now()) };
    s.proc = undefined;
    return exit;
  }

  /** Startup, readiness and liveness probes of a running container, as the kubelet's prober runs them (probes.ts). */
  private watchProbes(s: Slot): void {
    const probes = probesOf(s.spec);
    const proc = s.proc;
    if (!proc || (!probes.startup && !probes.readiness && !probes.liveness)) return;
    s.unready = !!(probes.readiness || probes.startup);
    s.unstarted = !!probes.startup;
    const current = () => s.proc === proc && !this.finished;
    const changed = (unready: boolean) => {
      if (!current() || s.unready === unready) return;
      s.unready = unready;
      this.write({ phase: 'Running' });
    };
    const prober = new ContainerProber(
      { container: s.spec, podIp: this.podIp, ...(proc.exec ? { exec: proc.exec } : {}) },
      {
        ready: (ok) => changed(!ok),
        started: () => {
          if (!current()) return;
          s.unstarted = false;
          s.unready = !!probes.readiness;
          this.write({ phase: 'Running' });
        },
        failed: (kind, spec) => current() && this.killUnhealthy(s, proc, kind, spec),
        event: (type, reason, message) => current() && this.event(type, reason, message),
      },
    );
    void proc.exited.then(() => prober.stop());
  }

  /** A failed liveness or startup probe: the kubelet kills the container; the restartPolicy decides what follows. */
  private killUnhealthy(s: Slot, proc: RunningContainer, kind: string, spec: ProbeSpec): void {
    const restart = (this.pod.spec.restartPolicy ?? 'Always') !== 'Never';
    const name = String(s.spec.name);
    this.event('Normal', 'Killing', `Container ${name} failed ${kind} probe${restart ? ', will be restarted' : ''}`);
    const seconds = Number(spec.terminationGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30);
    proc.kill('SIGTERM');
    setTimeout(() => s.proc === proc && proc.kill('SIGKILL'), Math.min(seconds * 1000, this.ctx.maxGraceMs)).unref();
  }

  private secretData(name: string): Record<string, string> | undefined {
    const obj = this.ctx.state.store.get('/secrets', this.ns, name);
    if (!obj) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj.data ?? {})) out[k] = Buffer.from(String(v), 'base64').toString('utf8');
    return out;
  }

  /**
   * The API as a container sees it: the token of a Secret mounted over the standard token path (Argo's
   * `exec-sa-token` for the executor's account), else its pod's ServiceAccount's unless automounting is off.
   */
  private apiFor(container: KubeObject): { url: string; caPem: string; token?: string } {
    const api = this.ctx.api!;
    const mounted = this.mountedToken(container);
    const sa = String(this.pod.spec.serviceAccountName ?? 'default');
    const token =
      mounted !== undefined
        ? mounted || undefined
        : this.pod.spec.automountServiceAccountToken === false
          ? undefined
          : api.tokenFor(this.ns, sa);
    return { url: api.url, caPem: api.caPem, ...(token ? { token } : {}) };
  }

  /**
   * The token of a secret volume mounted at the token path ('' when it has none), or undefined when
   * there is no such mount. A `kubernetes.io/service-account-token` Secret gets its account's token,
   * as the token controller fills it in a real cluster.
   */
  private mountedToken(container: KubeObject): string | undefined {
    const mount = ((container.volumeMounts ?? []) as KubeObject[]).find((m) => m.mountPath === SA_TOKEN_PATH);
    const volume = ((this.pod.spec.volumes ?? []) as KubeObject[]).find((v) => v.name === mount?.name);
    if (!mount || !volume?.secret) return undefined;
    const secret = this.ctx.state.store.get('/secrets', this.ns, String(volume.secret.secretName));
    const owner = secret?.metadata.annotations?.['kubernetes.io/service-account.name'];
    if (secret?.type === 'kubernetes.io/service-account-token' && owner)
      return this.ctx.api!.tokenFor(this.ns, String(owner)) ?? '';
    return this.secretData(String(volume.secret.secretName))?.token ?? '';
  }

  /** Writes the terminal phase (unless stopped by shutdown) and confirms a pending deletion. */
  private async finish(): Promise<void> {
    this.finished = true;
    if (this.stopping === 'shutdown') return;
    const failed = [...this.init, ...this.main].some(
      (s) => s.state.kind === 'terminated' && s.state.exit.exitCode !== 0,
    );
    const unfinished = this.main.some((s) => s.state.kind !== 'terminated');
    if (this.gaveUp) {
      this.write({ phase: 'Failed', reason: 'ErrImagePull', message: this.gaveUp });
    } else if (this.stopping === 'deadline') {
      this.write({
        phase: 'Failed',
        reason: 'DeadlineExceeded',
        message: 'Pod was active on the node longer than the specified deadline',
      });
      this.event('Normal', 'DeadlineExceeded', 'Pod was active on the node longer than the specified deadline');
    } else {
      this.write({ phase: failed || unfinished ? 'Failed' : 'Succeeded' });
    }
    const pod = this.current();
    if (pod?.metadata.deletionTimestamp) this.confirmDeletion();
  }

  /** The kubelet's final word on a deleted pod: delete with grace period 0. */
  confirmDeletion(): void {
    try {
      deleteObject(this.ctx.state, this.ctx.state.registry.byKey('/pods')!, this.ns, this.name, {
        gracePeriodSeconds: 0,
        preconditions: { uid: this.uid },
      });
    } catch {
      // Already gone or replaced.
    }
  }
}
