/**
 * The periodic resync: nudges every workflow that is not completed, so a watcher outage or a lost
 * nudge delays a workflow by at most one resync interval. Reads one list (paged); sends one nudge per
 * workflow, de-duplicated per time bucket.
 */
import type { Workflow } from '../engine/types.ts';
import type { Logger } from '../logger.ts';
import type { Nudge } from '../nudge.ts';
import type { NudgePublisher } from '../ports/event-source.ts';
import type { KubeClient } from '../ports/kube.ts';
import { listAll, workflowsPath } from '../adapters/kube/resources.ts';
import { unfinishedWorkflowSelector } from '../engine/labels.ts';

export interface ResyncDeps {
  mainClient: () => KubeClient;
  publisher: NudgePublisher;
  logger: Logger;
  managedNamespace?: string;
  instanceId?: string;
}

/** Builds the resync handler; returns how many workflows were nudged. */
export function makeResyncHandler(deps: ResyncDeps): () => Promise<{ nudged: number }> {
  return async () => {
    const list = await listAll<Workflow>(
      deps.mainClient(),
      workflowsPath(deps.managedNamespace ?? ''),
      unfinishedWorkflowSelector(deps.instanceId ?? ''),
    );
    const nudges: Nudge[] = list.items.map((wf) => ({
      v: 1,
      namespace: wf.metadata.namespace ?? '',
      workflow: wf.metadata.name ?? '',
      source: 'resync',
    }));
    if (nudges.length > 0) await deps.publisher.publish(nudges);
    deps.logger.info('resync', { nudged: nudges.length });
    return { nudged: nudges.length };
  };
}
