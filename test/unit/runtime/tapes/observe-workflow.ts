/** The workflow test/unit/runtime/tapes/record.ts observes and observe.test.ts replays. */
import type { Action } from '../../../../src/engine/contract.ts';
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

const newPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'wf-b-3',
    namespace: 'argo',
    labels: {
      'workflows.argoproj.io/workflow': 'wf',
      'workflows.argosy.io/workflow-uid': UID,
      'workflows.argoproj.io/workflow-cluster-name': 'main',
      'workflows.argoproj.io/workflow-namespace': 'argo',
    },
    annotations: { 'workflows.argoproj.io/node-id': 'wf-3' },
  },
  spec: { containers: [{ name: 'main', image: 'busybox' }] },
};

/** A pod created in other/argo, a completed label in main/argo, a delete refused in other/batch, a delete of a pod already gone. */
export const APPLIED_ACTIONS = [
  { kind: 'CreatePod', cluster: 'other', namespace: 'argo', nodeId: 'wf-3', pod: newPod },
  { kind: 'LabelPodCompleted', cluster: 'main', namespace: 'argo', name: 'wf-a-1' },
  { kind: 'DeletePod', cluster: 'other', namespace: 'batch', name: 'wf-c-4', reason: 'test' },
  { kind: 'DeletePod', cluster: 'main', namespace: 'argo', name: 'wf-gone', reason: 'test' },
] as unknown as Action[];
