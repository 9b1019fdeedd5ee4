// `argosy doctor` reports Running workflows whose nodes were refused, wait for a cluster, or sit
// Pending longer than the resync period — with the node's own message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workflowFindings } from '../../../src/cli/commands/doctor-workflows.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';

const now = new Date('2026-01-02T15:10:00Z');
function wf(phase: string, nodes: Partial<NodeStatus>[]): Workflow {
  return {
    metadata: { name: 'w', namespace: 'argo' },
    spec: {},
    status: {
      phase: phase as 'Running',
      nodes: Object.fromEntries(
        nodes.map((n, i) => [`n${i}`, { id: `n${i}`, name: `w.n${i}`, displayName: `n${i}`, type: 'Pod', ...n }]),
      ),
    },
  };
}

test('refused, waiting and long-Pending nodes of Running workflows are failures with their reason', () => {
  const findings = workflowFindings(
    [
      wf('Running', [
        { phase: 'Error', message: 'pod create refused by other/x: namespaces "x" not found' },
        { phase: 'Pending', message: 'waiting for cluster other: 503 (retrying, 2 attempts)' },
        { phase: 'Pending', startedAt: '2026-01-02T15:00:00Z' },
        { phase: 'Pending', startedAt: '2026-01-02T15:09:00Z' },
        { phase: 'Running', startedAt: '2026-01-02T14:00:00Z' },
      ]),
      wf('Failed', [{ phase: 'Error', message: 'pod create refused by other/x: nope' }]),
    ],
    now,
    300_000,
  );
  assert.deepEqual(
    findings.map((f) => [f.status, f.detail]),
    [
      ['fail', 'argo/w is Running; node n0: pod create refused by other/x: namespaces "x" not found'],
      ['fail', 'argo/w is Running; node n1: waiting for cluster other: 503 (retrying, 2 attempts)'],
      ['fail', 'argo/w is Running; node n2: Pending for 10 minutes with no message'],
    ],
  );
});

test('nothing stuck: one ok finding', () => {
  const findings = workflowFindings([wf('Running', [{ phase: 'Running' }])], now, 300_000);
  assert.deepEqual(
    findings.map((f) => [f.status, f.detail]),
    [['ok', '1 running, none stuck']],
  );
});

test('offloaded nodes are read through the node status store: a stuck node is found; unreadable nodes are a finding', async () => {
  const { checkWorkflows } = await import('../../../src/cli/commands/doctor-workflows.ts');
  const { saveNodes } = await import('../../../src/adapters/kube/offloaded-nodes.ts');
  const objects = new Map<string, Buffer>();
  const store = {
    location: 'memory://doctor',
    put: async (k: string, b: Buffer) => void objects.set(k, b),
    get: async (k: string) => objects.get(k),
    list: async (p: string) => [...objects.keys()].filter((k) => k.startsWith(p)),
    delete: async (k: string) => void objects.delete(k),
  };
  const offloaded = async (name: string, nodes: Partial<NodeStatus>[], save = true): Promise<Workflow> => {
    const plain = wf('Running', nodes);
    const w = { ...plain, metadata: { ...plain.metadata, name, uid: `uid-${name}` } };
    const version = save ? await saveNodes(store, w, w.status!.nodes!) : 'fnv:1';
    return { ...w, status: { phase: 'Running', offloadNodeStatusVersion: version } };
  };
  const items = [
    await offloaded('big', [{ phase: 'Pending', message: 'waiting for cluster other: 503 (retrying, 2 attempts)' }]),
    await offloaded('gone', [{ phase: 'Running' }], false),
  ];
  const main = {
    cluster: 'main',
    request: async () => ({ metadata: {}, items }),
  } as unknown as Parameters<typeof checkWorkflows>[0];
  const found = await checkWorkflows(main, now, 300_000, store);
  assert.deepEqual(
    found.map((f) => [f.status, f.detail.replace(/: OffloadedNodesMissingError.*/, '')]),
    [
      ['fail', 'argo/gone is Running; its offloaded nodes could not be read'],
      ['fail', 'argo/big is Running; node n0: waiting for cluster other: 503 (retrying, 2 attempts)'],
    ],
  );
  const withoutStore = await checkWorkflows(main, now, 300_000);
  assert.deepEqual(
    withoutStore.map((f) => f.status),
    ['warn', 'warn'],
  );
  assert.match(withoutStore[0]!.advice ?? '', /ARGOSY_STATUS_BUCKET/);
});
