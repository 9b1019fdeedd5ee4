/**
 * Records test/unit/runtime/tapes/reconcile.json for reconcile.test.ts: two reconciles of TWO_PLACES
 * (a step in cluster `main`, one in `other`) against two embedded API servers with Argo's CRDs and no
 * kubelet. `start`: the first reconcile of the new workflow; `finish`: the next one, after both pods
 * were marked Succeeded (as a kubelet reports them). Each keeps every request with the server's answer,
 * the decisions and the nudges sent.
 * Re-record after changing what the reconcile asks: `npx tsx test/unit/runtime/tapes/record-reconcile.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tapeClusters } from './clusters.ts';
import type { KubeClient } from '../../../../src/ports/kube.ts';
import type { KubePod } from '../../../../src/engine/contract.ts';
import { recording, type Tape } from '../tape.ts';
import { CONTROLLER, FINISH, START, TWO_PLACES } from './reconcile-workflow.ts';
import { reconcileOnTape, type Reconciled } from './reconcile-run.ts';

const clusters = await tapeClusters({ namespaces: ['argo'] });

/** Every pod in argo ends Succeeded, its one container exited 0, as a kubelet would report it. */
async function succeedPods(admin: KubeClient, at: Date): Promise<void> {
  const pods = await admin.request<{ items: KubePod[] }>({ method: 'GET', path: '/api/v1/namespaces/argo/pods' });
  for (const pod of pods.items) {
    const time = at.toISOString();
    const containerStatuses = pod.spec.containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: false,
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: time, finishedAt: time } },
    }));
    await admin.request({
      method: 'PUT',
      path: `/api/v1/namespaces/argo/pods/${pod.metadata.name}/status`,
      body: { ...pod, status: { phase: 'Succeeded', startTime: time, containerStatuses } },
    });
  }
}

try {
  const main = clusters.client('main');
  const otherAdmin = clusters.client('other');
  // Argosy's identity in `other` may use pods in argo only (what docs/deploy.md has it grant).
  const other = clusters.client('other', [
    { verbs: ['list', 'get', 'create', 'delete', 'patch'], resources: ['pods'], namespaces: ['argo'] },
  ]);
  await main.request({
    method: 'POST',
    path: '/apis/argoproj.io/v1alpha1/namespaces/argo/workflows',
    body: TWO_PLACES,
  });
  const run = async (now: Date): Promise<{ tape: Tape } & Reconciled> => {
    const tape: Tape = {};
    const ran = await reconcileOnTape({ main: recording(main, tape), other: recording(other, tape) }, CONTROLLER, now);
    return { tape, ...ran };
  };
  const start = await run(START);
  await succeedPods(main, new Date(START.getTime() + 5_000));
  await succeedPods(otherAdmin, new Date(START.getTime() + 5_000));
  const finish = await run(FINISH);
  writeFileSync(join(import.meta.dirname, 'reconcile.json'), JSON.stringify({ start, finish }, null, 2) + '\n');
} finally {
  await clusters.stop();
}
