/** One reconcile of TWO_PLACES over given clients, as record-reconcile.ts records it and reconcile.test.ts replays it. */
import { decide } from '../../../../src/engine/decide.ts';
import type { ControllerSettings, Decision } from '../../../../src/engine/contract.ts';
import { silentLogger } from '../../../../src/logger.ts';
import type { Nudge } from '../../../../src/nudge.ts';
import type { KubeClient } from '../../../../src/ports/kube.ts';
import { reconcileWorkflow, type ReconcileResult } from '../../../../src/runtime/reconcile.ts';
import { tapeRegistry } from '../tape.ts';

/** What one reconcile did besides its requests: its result, what the engine decided, the nudges sent. */
export interface Reconciled {
  result: ReconcileResult;
  decisions: Pick<Decision, 'actions' | 'status' | 'requeueAfterMs'>[];
  nudges: { nudge: Nudge; afterMs?: number }[];
}

export async function reconcileOnTape(
  clients: Record<string, KubeClient>,
  controller: ControllerSettings,
  now: Date,
  decideFn: typeof decide = decide,
): Promise<Reconciled> {
  const decisions: Reconciled['decisions'] = [];
  const nudges: Reconciled['nudges'] = [];
  const result = await reconcileWorkflow(
    {
      registry: tapeRegistry('main', clients),
      decide: (snapshot, at) => {
        const d = decideFn(snapshot, at);
        decisions.push({ actions: d.actions, status: d.status, requeueAfterMs: d.requeueAfterMs });
        return d;
      },
      publisher: {
        publish: async (sent) => void nudges.push(...sent.map((nudge) => ({ nudge }))),
        publishAfter: async (nudge, afterMs) => void nudges.push({ nudge, afterMs }),
      },
      controller,
      logger: silentLogger,
      now: () => now,
      // Pods-only executor mode: the pods are what this test is about (no per-place discovery).
      executorMode: 'pods',
      parallelism: 1,
    },
    { namespace: 'argo', workflow: 'two-places' },
  );
  return { result, decisions, nudges };
}
