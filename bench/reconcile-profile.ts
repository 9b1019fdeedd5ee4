/**
 * Profile of one reconcile's pure parts on a wide fan-out, without the stack.
 * Run: ./node_modules/.bin/node --import tsx bench/reconcile-profile.ts 30000
 */
import { gzipSync, gunzipSync } from 'node:zlib';
import { decide } from '../src/engine/index.ts';
import type { ObservedPod, Snapshot, Action } from '../src/engine/contract.ts';
import type { Workflow } from '../src/engine/types.ts';
import { wideWorkflow } from './size.ts';
import { isStatusChanged } from '../src/runtime/write-workflow.ts';
import { statusForStorage } from '../src/runtime/status-size.ts';
import { nodesVersion } from '../src/adapters/kube/offloaded-nodes.ts';

const n = Number(process.argv[2] ?? 30000);
const now = new Date('2026-01-02T15:10:00Z');
const t = (label: string, f: () => unknown) => {
  const s = performance.now();
  const r = f();
  console.log(`${label.padEnd(40)} ${(performance.now() - s).toFixed(0)} ms`);
  return r;
};
const wf0 = wideWorkflow(n);
wf0.metadata = { name: 'wide-x', namespace: 'argo', uid: 'u1', labels: {}, annotations: {} };
const controller = { clusterName: 'main' };
const d1 = t('decide (fresh, plans creates)', () => decide({ workflow: wf0, pods: [], controller }, now)) as ReturnType<
  typeof decide
>;
const creates = d1.actions.filter((a): a is Extract<Action, { kind: 'CreatePod' }> => a.kind === 'CreatePod');
console.log('creates', creates.length, 'nodes', Object.keys(d1.status.nodes ?? {}).length);
const wf1: Workflow = { ...wf0, status: d1.status };
const pods: ObservedPod[] = creates.map((a, i) => ({
  cluster: a.cluster,
  namespace: a.namespace,
  pod: {
    ...a.pod,
    metadata: { ...a.pod.metadata, uid: `p${i}`, resourceVersion: String(i) },
    status:
      i % 2 === 0
        ? {
            phase: 'Succeeded',
            containerStatuses: [
              {
                name: 'main',
                state: {
                  terminated: { exitCode: 0, finishedAt: '2026-01-02T15:05:00Z', startedAt: '2026-01-02T15:04:00Z' },
                },
              },
            ],
          }
        : {
            phase: 'Running',
            containerStatuses: [{ name: 'main', state: { running: { startedAt: '2026-01-02T15:04:00Z' } } }],
          },
  },
}));
const list = t('pods list JSON.stringify', () => JSON.stringify({ items: pods.map((p) => p.pod) })) as string;
console.log('pods list MB', (list.length / 1e6).toFixed(1));
t('pods list JSON.parse', () => JSON.parse(list));
const snap: Snapshot = { workflow: structuredClone(wf1), pods, controller };
const d2 = t('decide (half done, all pods observed)', () => decide(snap, now)) as ReturnType<typeof decide>;
console.log('actions', d2.actions.length, [...new Set(d2.actions.map((a) => a.kind))]);
const wf2: Workflow = { ...wf1, status: d2.status };
const snap3: Snapshot = { workflow: structuredClone(wf2), pods, controller };
const d3 = t('decide again (steady)', () => decide(snap3, now)) as ReturnType<typeof decide>;
const visits = { objects: 0 };
t('isStatusChanged', () => console.log('  changed', isStatusChanged(snap3.workflow.status, d3.status, visits), visits));
const v2 = { objects: 0 };
t('isStatusChanged (copy)', () =>
  console.log('  changed', isStatusChanged(structuredClone(wf2.status), d3.status, v2), v2),
);
const nodesJson = t('nodes JSON.stringify', () => JSON.stringify(d3.status.nodes)) as string;
console.log('nodes MB', (nodesJson.length / 1e6).toFixed(1));
t('statusForStorage (size+gzip)', () => {
  try {
    statusForStorage(wf2, d3.status);
  } catch (e) {
    console.log('  ', (e as Error).message);
  }
});
const gz = t('gzip nodes', () => gzipSync(nodesJson)) as Buffer;
console.log('gz MB', (gz.length / 1e6).toFixed(2));
t('fnv version', () => nodesVersion(nodesJson));
t('gunzip+parse nodes', () => JSON.parse(gunzipSync(gz).toString('utf8')));
t('structuredClone workflow', () => structuredClone(wf2));
