/**
 * The local clusters' Job controller (the part of kube-controller-manager resource templates need):
 * for each Job it keeps up to `parallelism` pods running from `spec.template` until `completions` pods
 * have succeeded (condition Complete) or more than `backoffLimit` have failed (condition Failed,
 * BackoffLimitExceeded), and reports `active`/`succeeded`/`failed` in the status subresource. Pods carry
 * the Job's labels and a controller reference, so deleting the Job deletes them. Not modelled:
 * indexed completion, pod failure policies, suspend, TTL, activeDeadlineSeconds.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../logger.ts';
import { kubeTime, type ClusterState } from '../apiserver/objects.ts';
import type { KubeObject } from '../apiserver/resources.ts';
import type { StoreEvent } from '../apiserver/store.ts';

const JOBS = 'batch/jobs';
const PODS = '/pods';

type Counts = { active: number; succeeded: number; failed: number };

function suffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

function isFinished(job: KubeObject): boolean {
  const conds = (job.status?.conditions as { type: string; status: string }[] | undefined) ?? [];
  return conds.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export class JobController {
  private unsubscribe: (() => void) | undefined;
  private readonly queued = new Set<string>();

  constructor(
    private readonly state: ClusterState,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.unsubscribe = this.state.store.subscribe((e) => this.onEvent(e));
    for (const job of this.state.store.list(JOBS)) this.enqueue(job.metadata.namespace, job.metadata.name);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private onEvent(e: StoreEvent): void {
    if (e.rk === JOBS && e.type !== 'DELETED') this.enqueue(e.namespace, e.object.metadata.name);
    if (e.rk !== PODS) return;
    const owner = ((e.object.metadata.ownerReferences as { kind: string; name: string }[] | undefined) ?? []).find(
      (o) => o.kind === 'Job',
    );
    if (owner) this.enqueue(e.namespace, owner.name);
  }

  private enqueue(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    if (this.queued.has(key)) return;
    this.queued.add(key);
    setImmediate(() => {
      this.queued.delete(key);
      try {
        this.sync(namespace, name);
      } catch (err) {
        this.logger.warn('job controller could not sync a job', { job: key, err });
      }
    });
  }

  private podsOf(job: KubeObject): KubeObject[] {
    return this.state.store
      .list(PODS, job.metadata.namespace)
      .filter((p) =>
        ((p.metadata.ownerReferences as { uid: string }[] | undefined) ?? []).some((o) => o.uid === job.metadata.uid),
      );
  }

  private sync(namespace: string, name: string): void {
    const job = this.state.store.get(JOBS, namespace, name);
    if (!job || job.metadata.deletionTimestamp || isFinished(job)) return;
    const pods = this.podsOf(job);
    const counts: Counts = { active: 0, succeeded: 0, failed: 0 };
    for (const p of pods) {
      const phase = p.status?.phase;
      if (phase === 'Succeeded') counts.succeeded++;
      else if (phase === 'Failed') counts.failed++;
      else if (!p.metadata.deletionTimestamp) counts.active++;
    }
    const spec = job.spec ?? {};
    const completions = Number(spec.completions ?? 1);
    const parallelism = Number(spec.parallelism ?? 1);
    const backoffLimit = Number(spec.backoffLimit ?? 6);
    const condition = this.condition(counts, completions, backoffLimit);
    if (!condition) {
      const want = Math.min(parallelism, completions - counts.succeeded) - counts.active;
      for (let i = 0; i < want; i++) this.createPod(job);
      counts.active += Math.max(0, want);
    }
    this.writeStatus(job, counts, condition);
  }

  private condition(c: Counts, completions: number, backoffLimit: number) {
    if (c.failed > backoffLimit)
      return { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    if (c.succeeded >= completions)
      return { type: 'Complete', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
    return undefined;
  }

  private createPod(job: KubeObject): void {
    const template = (job.spec?.template ?? {}) as KubeObject;
    const jobName = job.metadata.name as string;
    const labels = {
      ...((template.metadata?.labels as Record<string, string> | undefined) ?? {}),
      'job-name': jobName,
      'batch.kubernetes.io/job-name': jobName,
      'controller-uid': job.metadata.uid,
      'batch.kubernetes.io/controller-uid': job.metadata.uid,
    };
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${jobName}-${suffix()}`,
        namespace: job.metadata.namespace,
        labels,
        annotations: template.metadata?.annotations,
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: jobName,
            uid: job.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: template.spec,
    };
    this.state.create(this.state.registry.byKey(PODS)!, job.metadata.namespace, pod);
  }

  private writeStatus(job: KubeObject, c: Counts, condition: ReturnType<JobController['condition']>): void {
    const now = kubeTime(new Date());
    const status: Record<string, unknown> = { ...(job.status ?? {}), startTime: job.status?.startTime ?? now };
    for (const k of ['active', 'succeeded', 'failed'] as const) {
      if (c[k] > 0) status[k] = c[k];
      else delete status[k];
    }
    if (condition) {
      delete status.active;
      status.conditions = [{ ...condition, status: 'True', lastProbeTime: now, lastTransitionTime: now }];
      if (condition.type === 'Complete') status.completionTime = now;
    }
    this.state.update(
      this.state.registry.byKey(JOBS)!,
      job.metadata.namespace,
      job.metadata.name,
      { ...job, status },
      'status',
    );
  }
}
