/**
 * Resumes of workflows whose nodes are offloaded (docs/adr/0017-node-status-offload.md). The object
 * holds only `status.offloadNodeStatusVersion`, so the signature cannot see a suspend node resolved by
 * `argosy resume` (which stores a new version). For each new version of such a workflow the watcher
 * reads the nodes (one GetObject, one read at a time per workflow, the latest version wins) and nudges
 * when more suspend nodes are resolved than in the version seen before — otherwise the resume would
 * wait for the periodic resync. The first version seen only sets the count (its own event nudges when
 * it matters). Per workflow only the version and the count are kept.
 */
import type { Logger } from '../logger.ts';
import type { NodeStatusStore } from '../ports/node-status.ts';
import type { NodeStatus, Workflow } from '../engine/types.ts';
import { loadNodes } from '../adapters/kube/offloaded-nodes.ts';
import { LABEL_COMPLETED } from '../engine/labels.ts';
import { countResolvedSuspends } from './filter.ts';

export interface OffloadedSuspends {
  /** Looks at a workflow event; calls `onResolved` (asynchronously) when a suspend was resolved. */
  seen(type: 'ADDED' | 'MODIFIED' | 'DELETED', wf: Record<string, unknown>): void;
  /** Resolves when no read is in flight (tests). */
  idle(): Promise<void>;
}

interface Entry {
  version: string;
  resolved?: number;
  /** The newest event not read yet, and whether a read runs now. */
  next?: Workflow;
  reading: boolean;
}

export function offloadedSuspends(
  store: NodeStatusStore,
  onResolved: (wf: Workflow) => void,
  logger: Logger,
): OffloadedSuspends {
  const byUid = new Map<string, Entry>();
  const running = new Set<Promise<void>>();

  const read = async (uid: string, entry: Entry): Promise<void> => {
    while (entry.next) {
      const wf = entry.next;
      entry.next = undefined;
      const version = wf.status?.offloadNodeStatusVersion ?? '';
      try {
        const count = countResolvedSuspends((await loadNodes(store, wf, version)) as Record<string, NodeStatus>);
        if (entry.resolved !== undefined && count > entry.resolved) onResolved(wf);
        entry.resolved = count;
      } catch (error) {
        // Replaced by a newer version meanwhile (its own event follows) or the store is unreachable.
        logger.debug('could not read offloaded nodes', { uid, version, error });
      }
    }
    entry.reading = false;
  };

  return {
    seen(type, obj) {
      const wf = obj as unknown as Workflow;
      const uid = wf.metadata?.uid ?? '';
      const version = wf.status?.offloadNodeStatusVersion;
      const done = wf.metadata?.labels?.[LABEL_COMPLETED] === 'true';
      if (type === 'DELETED' || !version || done || !uid) {
        byUid.delete(uid);
        return;
      }
      let entry = byUid.get(uid);
      if (entry?.version === version) return;
      entry ??= { version, reading: false };
      byUid.set(uid, entry);
      entry.version = version;
      entry.next = wf;
      if (entry.reading) return;
      entry.reading = true;
      const p = read(uid, entry).finally(() => running.delete(p));
      running.add(p);
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
