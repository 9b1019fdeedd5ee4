/**
 * Records test/unit/runtime/tapes/observe.json: what `observePods` asks two embedded API servers
 * (clusters `main` and `other`) and what they answer, for test/unit/runtime/observe.test.ts; and
 * apply.json: the same for `applyActions` (test/unit/runtime/apply.test.ts).
 * Re-record after changing what observe asks: `npx tsx test/unit/runtime/tapes/record.ts`
 * (record-reconcile.ts records the reconcile's tape).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tapeClusters } from './clusters.ts';

import { observePods } from '../../../../src/runtime/observe.ts';
import { applyActions } from '../../../../src/runtime/apply.ts';
import { silentLogger } from '../../../../src/logger.ts';
import { recording, tapeRegistry, type Tape } from '../tape.ts';
import { APPLIED_ACTIONS, OBSERVED_WORKFLOW, UID } from './observe-workflow.ts';

const clusters = await tapeClusters({ crds: false, namespaces: ['argo', 'batch'] });
try {
  const main = clusters.client('main');
  const otherAdmin = clusters.client('other');
  // Argosy's identity in `other` may use pods in argo only: batch answers 403.
  const other = clusters.client('other', [
    { verbs: ['list', 'get', 'create', 'delete', 'patch'], resources: ['pods'], namespaces: ['argo'] },
  ]);
  const pod = (name: string, labels: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'main', image: 'busybox' }] },
  });
  const ours = { 'workflows.argoproj.io/workflow': 'wf', 'workflows.argosy.io/workflow-uid': UID };
  await main.request({ method: 'POST', path: '/api/v1/namespaces/argo/pods', body: pod('wf-a-1', ours) });
  // A pod of an earlier workflow with the same name: another UID, not this workflow's.
  const earlier = { ...ours, 'workflows.argosy.io/workflow-uid': 'uid-of-an-earlier-wf' };
  await main.request({ method: 'POST', path: '/api/v1/namespaces/argo/pods', body: pod('wf-a-0', earlier) });
  const remote = {
    ...ours,
    'workflows.argoproj.io/workflow-cluster-name': 'main',
    'workflows.argoproj.io/workflow-namespace': 'argo',
  };
  await otherAdmin.request({ method: 'POST', path: '/api/v1/namespaces/argo/pods', body: pod('wf-b-2', remote) });
  const tape: Tape = {};
  const rec = { main: recording(main, tape), other: recording(other, tape) };
  await observePods(tapeRegistry('main', rec), OBSERVED_WORKFLOW, '');
  writeFileSync(join(import.meta.dirname, 'observe.json'), JSON.stringify(tape, null, 2) + '\n');
  // Then what applyActions sends for APPLIED_ACTIONS, one at a time so each cluster's order is fixed.
  const applied: Tape = {};
  const arec = { main: recording(main, applied), other: recording(other, applied) };
  const deps = { registry: tapeRegistry('main', arec), logger: silentLogger, now: () => new Date(0), parallelism: 1 };
  await applyActions(deps, OBSERVED_WORKFLOW, APPLIED_ACTIONS);
  writeFileSync(join(import.meta.dirname, 'apply.json'), JSON.stringify(applied, null, 2) + '\n');
} finally {
  await clusters.stop();
}
