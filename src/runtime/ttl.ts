/**
 * `spec.ttlStrategy` at run time (Argo's gccontroller): a finished workflow of ours is deleted once its
 * TTL has passed (the engine's ttlExpiresAt), else a wake-up is queued for then. The timer path carries
 * the wait (the decide that finished the workflow asked for it); this runs when that nudge comes back.
 * Deleting goes through Kubernetes, so the finalizer path still cleans up pods in other clusters.
 */
import type { Workflow } from '../engine/types.ts';
import { ttlExpiresAt } from '../engine/ttl.ts';
import { isNotFound } from '../adapters/kube/errors.ts';
import { deleteWorkflow } from '../adapters/kube/resources.ts';
import type { Logger } from '../logger.ts';
import type { NudgePublisher } from '../ports/event-source.ts';
import type { ClusterRegistry } from '../ports/kube.ts';

/** What the TTL check needs. */
export interface TtlDeps {
  registry: ClusterRegistry;
  publisher: NudgePublisher;
  logger: Logger;
  now: () => Date;
}

/** Argo waits a second past the expiry so its informer has caught up; so does this. */
const GRACE_MS = 1000;

/**
 * Deletes the finished workflow when its TTL has passed (true), or queues a wake-up for then (false).
 * A workflow without a TTL is left alone (false).
 */
export async function expireFinished(deps: TtlDeps, wf: Workflow): Promise<boolean> {
  const at = ttlExpiresAt(wf);
  if (at === undefined) return false;
  const namespace = wf.metadata.namespace ?? '';
  const name = wf.metadata.name ?? '';
  const left = at - deps.now().getTime();
  if (left > 0) {
    await deps.publisher.publishAfter({ v: 1, namespace, workflow: name, source: 'timer' }, left + GRACE_MS);
    return false;
  }
  try {
    await deleteWorkflow(deps.registry.mainClient(), namespace, name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  deps.logger.info('deleted finished workflow: ttlStrategy expired', { namespace, workflow: name });
  return true;
}
