/**
 * Runs the engine's actions, idempotently and with bounded parallelism. This is the only place
 * actions are executed. Pod names are deterministic, so a create that finds the pod already there
 * (AlreadyExists) adopts it — that is how a reconcile that died after creating a pod and before
 * writing status is repaired — and a delete or label of a pod that is gone counts as done.
 */
import type { Action, KubePod } from '../engine/contract.ts';
import type { Workflow } from '../engine/types.ts';
import type { Logger } from '../logger.ts';
import type { ClusterRegistry } from '../ports/kube.ts';
import { isAlreadyExists, isNotFound } from '../adapters/kube/errors.ts';
import { createPod, deletePod, patchPodLabels } from './kube-api.ts';
import { clientForPlace, LABEL_COMPLETED } from './observe.ts';
import { emitWorkflowEvent, type EventPolicy } from './events.ts';

export interface ApplyDeps {
  registry: ClusterRegistry;
  logger: Logger;
  /** Actions run at once (per reconcile). */
  parallelism?: number;
  events?: EventPolicy;
  now: () => Date;
  /** Test hook, called after each action succeeded (may throw to simulate a crash). */
  afterAction?: (action: Action) => void | Promise<void>;
}

export interface ApplyResult {
  created: number;
  adopted: number;
  deleted: number;
  labelled: number;
  events: number;
}

/** Applies actions; throws the first failure after the others finished (so nothing is left half-known). */
export async function applyActions(deps: ApplyDeps, workflow: Workflow, actions: Action[]): Promise<ApplyResult> {
  const result: ApplyResult = { created: 0, adopted: 0, deleted: 0, labelled: 0, events: 0 };
  const queue = [...actions];
  const errors: unknown[] = [];
  const worker = async () => {
    for (let action = queue.shift(); action; action = queue.shift()) {
      try {
        await applyOne(deps, workflow, action, result);
        await deps.afterAction?.(action);
      } catch (e) {
        errors.push(e);
      }
    }
  };
  const n = Math.max(1, Math.min(deps.parallelism ?? 8, actions.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (errors.length > 0) throw errors[0];
  return result;
}

async function applyOne(deps: ApplyDeps, workflow: Workflow, action: Action, result: ApplyResult): Promise<void> {
  switch (action.kind) {
    case 'CreatePod': {
      const client = await clientForPlace(deps.registry, action);
      try {
        await createPod(client, action.namespace, action.pod);
        result.created++;
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        result.adopted++;
        deps.logger.info('pod already exists; adopted', { cluster: action.cluster, pod: podName(action.pod) });
      }
      return;
    }
    case 'DeletePod': {
      const client = await clientForPlace(deps.registry, action);
      try {
        await deletePod(client, action.namespace, action.name);
        result.deleted++;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return;
    }
    case 'LabelPodCompleted': {
      const client = await clientForPlace(deps.registry, action);
      try {
        await patchPodLabels(client, action.namespace, action.name, { [LABEL_COMPLETED]: 'true' });
        result.labelled++;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return;
    }
    case 'EmitEvent': {
      if (await emitWorkflowEvent(deps, workflow, action)) result.events++;
      return;
    }
  }
}

function podName(pod: KubePod): string {
  return pod.metadata.name ?? '';
}
