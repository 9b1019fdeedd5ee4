// PersistentVolumeClaims in the embedded API server: kube-apiserver's validation messages, its
// defaults (volumeMode, the pvc-protection finalizer), the spec immutability rule, and the node's
// binder making a claim Bound.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterState } from '../../../src/local/apiserver/objects.ts';
import { ApiError } from '../../../src/local/apiserver/status.ts';
import type { KubeObject } from '../../../src/local/apiserver/resources.ts';
import { ClaimBinder } from '../../../src/local/kubelet/claim-binder.ts';
import { createLogger } from '../../../src/logger.ts';

const claim = (spec: KubeObject): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'c' },
  spec,
});
const good = () => claim({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });

function cluster(): { state: ClusterState; def: ReturnType<ClusterState['registry']['byKey']> & object } {
  const state = new ClusterState();
  state.create(state.registry.byKey('/namespaces')!, '', { metadata: { name: 'default' } });
  return { state, def: state.registry.byKey('/persistentvolumeclaims')! };
}

function refusal(body: KubeObject): ApiError {
  const { state, def } = cluster();
  try {
    state.create(def, 'default', body);
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  assert.fail('created');
}

describe('persistentvolumeclaims (kube-apiserver rules)', () => {
  const rows: [string, KubeObject, string][] = [
    [
      'no access mode',
      claim({ resources: { requests: { storage: '1Gi' } } }),
      'PersistentVolumeClaim "c" is invalid: spec.accessModes: Required value: at least 1 access mode is required',
    ],
    [
      'unknown access mode',
      claim({ accessModes: ['ReadWriteSometimes'], resources: { requests: { storage: '1Gi' } } }),
      'PersistentVolumeClaim "c" is invalid: spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    ],
    [
      'no storage request',
      claim({ accessModes: ['ReadWriteOnce'] }),
      'PersistentVolumeClaim "c" is invalid: spec.resources[storage]: Required value',
    ],
    [
      'zero storage',
      claim({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0' } } }),
      'PersistentVolumeClaim "c" is invalid: spec.resources[storage]: Invalid value: "0": must be greater than zero',
    ],
  ];
  for (const [rule, body, message] of rows)
    test(rule, () => {
      const e = refusal(body);
      assert.equal(e.status.code, 422);
      assert.equal(e.status.message, message);
    });

  test('a storage request that is not a quantity fails decoding (400)', () => {
    const e = refusal(claim({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: 'lots' } } }));
    assert.equal(e.status.code, 400);
  });

  test('defaults on create, and the spec is immutable afterwards (but for the storage request)', () => {
    const { state, def } = cluster();
    const stored = state.create(def, 'default', good());
    assert.deepEqual(stored.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    assert.equal(stored.spec.volumeMode, 'Filesystem');
    assert.equal(stored.status.phase, 'Pending');
    const grown = structuredClone(stored);
    grown.spec.resources.requests.storage = '2Gi';
    state.update(def, 'default', 'c', grown);
    const changed = structuredClone(state.get(def, 'default', 'c'));
    changed.spec.accessModes = ['ReadWriteMany'];
    assert.throws(
      () => state.update(def, 'default', 'c', changed),
      (e: ApiError) =>
        e.status.message ===
        'PersistentVolumeClaim "c" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    );
  });

  test('the node binds a new claim: volumeName, Bound, capacity', async () => {
    const { state, def } = cluster();
    const binder = new ClaimBinder(state, '/nonexistent', createLogger({ level: 'ERROR' }));
    binder.start();
    try {
      state.create(def, 'default', good());
      for (let i = 0; i < 50 && state.get(def, 'default', 'c').status?.phase !== 'Bound'; i++)
        await new Promise((r) => setImmediate(r));
      const bound = state.get(def, 'default', 'c');
      assert.equal(bound.status.phase, 'Bound');
      assert.deepEqual(bound.status.capacity, { storage: '1Gi' });
      assert.equal(bound.spec.volumeName, `pvc-${bound.metadata.uid}`);
    } finally {
      binder.stop();
    }
  });
});
