/**
 * volumeClaimTemplates (docs/adr/0020-volume-claims.md): the claim goes with the first pod that mounts it,
 * in that pod's place, and is recorded in status.persistentVolumeClaims; pods mount it by its claim name;
 * volumeClaimGC deletes it at completion; a pod mounting it from another place ends Error, and lint
 * refuses literal places that disagree.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Action, KubeClaim } from '../../../src/engine/contract.ts';
import type { NodeStatus } from '../../../src/engine/types.ts';
import { validateWorkflow } from '../../../src/engine/validate.ts';
import { drive } from './drive.ts';
import { wfFromYaml } from './fixtures.ts';

const wf = (extra = '', place = '', second = '') =>
  wfFromYaml(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
spec:
  entrypoint: main
${extra}
  volumeClaimTemplates:
    - metadata: { name: workdir, labels: { team: a } }
      spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
  templates:
    - name: main
      steps:
        - - { name: gen, template: gen }
        - - { name: use, template: use }
    - name: gen
${place}
      container:
        image: alpine:3.23
        command: [sh, -c, 'echo hi > /mnt/vol/f']
        volumeMounts: [{ name: workdir, mountPath: /mnt/vol }]
    - name: use
${second}
      container:
        image: alpine:3.23
        command: [cat, /mnt/vol/f]
        volumeMounts: [{ name: workdir, mountPath: /mnt/vol }]
`);

const creates = (actions: Action[]) =>
  actions.filter((a) => a.kind === 'CreatePod') as Extract<Action, { kind: 'CreatePod' }>[];
const all = (decisions: { actions: Action[] }[]) => decisions.flatMap((d) => d.actions);

describe('volumeClaimTemplates', () => {
  test('the claim goes with its pods, is recorded with its place, and is deleted on success', () => {
    const run = drive(wf());
    assert.equal(run.workflow.status?.phase, 'Succeeded');
    const pods = creates(all(run.decisions));
    assert.equal(pods.length, 2);
    const claim = pods[0]?.claims?.[0] as KubeClaim;
    assert.equal(claim.metadata.name, 'wf-workdir');
    assert.equal(claim.metadata.namespace, 'argo');
    assert.deepEqual(claim.metadata.labels, {
      team: 'a',
      'workflows.argoproj.io/workflow': 'wf',
      'workflows.argosy.io/workflow-uid': 'uid-wf',
    });
    assert.equal(claim.metadata.ownerReferences?.[0]?.uid, 'uid-wf');
    assert.deepEqual(claim.spec, { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    for (const p of pods)
      assert.deepEqual(
        (p.pod.spec.volumes as unknown[]).find((v) => (v as { name: string }).name === 'workdir'),
        { name: 'workdir', persistentVolumeClaim: { claimName: 'wf-workdir' } },
      );
    const recorded = run.decisions.find((d) => d.status.persistentVolumeClaims)?.status.persistentVolumeClaims;
    assert.deepEqual(recorded, [
      { name: 'workdir', persistentVolumeClaim: { claimName: 'wf-workdir' }, clusterName: 'main', namespace: 'argo' },
    ]);
    const deletes = all(run.decisions).filter((a) => a.kind === 'DeleteClaim');
    assert.deepEqual(deletes, [
      {
        kind: 'DeleteClaim',
        cluster: 'main',
        namespace: 'argo',
        name: 'wf-workdir',
        reason: 'volumeClaimGC OnWorkflowSuccess',
      },
    ]);
    assert.equal(run.workflow.status?.persistentVolumeClaims, undefined);
  });

  test('OnWorkflowSuccess keeps the claims of a failed workflow; OnWorkflowCompletion deletes them', () => {
    const fail = { outcome: () => ({ exitCode: 1, stdout: '' }) };
    const kept = drive(wf(), fail);
    assert.equal(kept.workflow.status?.phase, 'Failed');
    assert.equal(all(kept.decisions).filter((a) => a.kind === 'DeleteClaim').length, 0);
    assert.equal(kept.workflow.status?.persistentVolumeClaims?.length, 1);
    const gone = drive(wf('  volumeClaimGC: { strategy: OnWorkflowCompletion }'), fail);
    assert.equal(all(gone.decisions).filter((a) => a.kind === 'DeleteClaim').length, 1);
  });

  test('a claim in another cluster carries no owner reference, and says where its workflow is', () => {
    const run = drive(wf('', '      clusterName: other', '      clusterName: other'));
    const claim = creates(all(run.decisions))[0]?.claims?.[0] as KubeClaim;
    assert.equal(claim.metadata.ownerReferences, undefined);
    assert.equal(claim.metadata.labels?.['workflows.argoproj.io/workflow-cluster-name'], 'main');
    assert.deepEqual(
      all(run.decisions).find((a) => a.kind === 'DeleteClaim'),
      {
        kind: 'DeleteClaim',
        cluster: 'other',
        namespace: 'argo',
        name: 'wf-workdir',
        reason: 'volumeClaimGC OnWorkflowSuccess',
      },
    );
  });

  test('a pod that would mount the claim from another place ends Error, naming both places', () => {
    const run = drive(
      wf(
        '  arguments: { parameters: [{ name: c, value: other }] }',
        '',
        "      clusterName: '{{workflow.parameters.c}}'",
      ),
    );
    assert.equal(run.workflow.status?.phase, 'Failed');
    const use = Object.values(run.workflow.status?.nodes ?? {}).find((n) => n.displayName === 'use') as NodeStatus;
    assert.equal(use.phase, 'Error');
    assert.match(
      use.message ?? '',
      /volume claim template 'workdir' has its claim wf-workdir in cluster "main" namespace "argo"; a PersistentVolumeClaim is cluster-local, so this pod cannot mount it in cluster "other" namespace "argo"/,
    );
    assert.equal(creates(all(run.decisions)).length, 1);
  });
});

describe('volumeClaimTemplates lint', () => {
  test('literal places that disagree are refused at the second template', () => {
    const errors = validateWorkflow(wf('', '      clusterName: east', '      clusterName: west'));
    assert.deepEqual(
      errors.map((e) => e.path),
      ['spec.templates[2]'],
    );
    assert.match(errors[0]?.message ?? '', /template 'gen' in cluster "east" .* 'use' in cluster "west"/);
    assert.deepEqual(validateWorkflow(wf('', '      clusterName: east', '      clusterName: east')), []);
  });

  test('a claim template needs a name and the GC strategy must be one Argo knows', () => {
    const unnamed = wfFromYaml(`
spec:
  entrypoint: m
  volumeClaimGC: { strategy: Sometimes }
  volumeClaimTemplates: [{ spec: { accessModes: [ReadWriteOnce] } }]
  templates: [{ name: m, container: { image: alpine } }]
`);
    assert.deepEqual(
      validateWorkflow(unnamed).map((e) => `${e.path}: ${e.argo}`),
      [
        'spec.volumeClaimTemplates[0].metadata.name: volumeClaimTemplates[0].metadata.name is required',
        'spec.volumeClaimGC.strategy: unknown volume gc strategy: Sometimes',
      ],
    );
  });
});
