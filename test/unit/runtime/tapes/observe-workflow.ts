/** The workflow test/unit/runtime/tapes/record.ts observes and observe.test.ts replays. */
import type { Workflow } from '../../../../src/engine/types.ts';

export const UID = '5b0f3c2e-0000-4000-8000-000000000001';

/** Pods in main/argo (its own namespace), other/argo and other/batch. */
export const OBSERVED_WORKFLOW = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name: 'wf', namespace: 'argo', uid: UID },
  spec: {
    entrypoint: 'a',
    templates: [
      { name: 'a', container: { image: 'busybox' } },
      { name: 'b', clusterName: 'other', container: { image: 'busybox' } },
      { name: 'c', clusterName: 'other', namespace: 'batch', container: { image: 'busybox' } },
    ],
  },
} as unknown as Workflow;
