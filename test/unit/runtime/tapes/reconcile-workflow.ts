/** The workflow test/unit/runtime/tapes/record-reconcile.ts reconciles and reconcile.test.ts replays. */
import type { ControllerSettings } from '../../../../src/engine/contract.ts';

/** Two steps at once: `here` in the main cluster, `there` in cluster `other` (both in namespace argo). */
export const TWO_PLACES = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name: 'two-places', namespace: 'argo' },
  spec: {
    entrypoint: 'main',
    templates: [
      {
        name: 'main',
        steps: [
          [
            { name: 'here', template: 'here' },
            { name: 'there', template: 'there' },
          ],
        ],
      },
      { name: 'here', container: { image: 'busybox', command: ['true'] } },
      { name: 'there', clusterName: 'other', container: { image: 'busybox', command: ['true'] } },
    ],
  },
};

export const CONTROLLER: ControllerSettings = { clusterName: 'main', controllerNamespace: 'argo' };

/** The first reconcile's clock; the second one runs ten seconds later. */
export const START = new Date('2026-01-02T03:04:05Z');
export const FINISH = new Date(START.getTime() + 10_000);
