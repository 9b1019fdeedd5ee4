import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { planArtifactGC, type ArtifactGCInput } from '../../../src/engine/artifact-gc/plan.ts';
import { gcPodHash, gcPodName, LABEL_GC_POD_HASH } from '../../../src/engine/artifact-gc/objects.ts';
import { fnv32a, gcStrategy, hasArtifactGC } from '../../../src/engine/artifact-gc/strategy.ts';
import { validateArtifactGC } from '../../../src/engine/artifact-gc/validate.ts';
import type { ObservedPod } from '../../../src/engine/contract.ts';
import type { Workflow, WorkflowSpec } from '../../../src/engine/types.ts';

const REPO = {
  s3: {
    bucket: 'b',
    endpoint: 'minio:9000',
    accessKeySecret: { name: 'cred', key: 'accesskey' },
    secretKeySecret: { name: 'cred', key: 'secretkey' },
  },
};

/** Argo's artifact-gc-workflow example, finished: one Pod node in cluster `other` and one at home. */
function workflow(spec: Partial<WorkflowSpec> = {}, meta: Partial<Workflow['metadata']> = {}): Workflow {
  const art = (name: string, extra = {}) => ({ name, path: `/tmp/${name}.txt`, s3: { key: `${name}.txt` }, ...extra });
  return {
    metadata: {
      name: 'wf',
      namespace: 'argo',
      uid: 'u1',
      labels: { 'workflows.argoproj.io/completed': 'true' },
      ...meta,
    },
    spec: {
      entrypoint: 'main',
      artifactGC: { strategy: 'OnWorkflowDeletion' },
      templates: [
        {
          name: 'main',
          container: { image: 'argoproj/argosay:v2' },
          outputs: {
            artifacts: [art('on-completion', { artifactGC: { strategy: 'OnWorkflowCompletion' } }), art('on-deletion')],
          },
        },
      ],
      ...spec,
    } as WorkflowSpec,
    status: {
      phase: 'Succeeded',
      artifactRepositoryRef: { artifactRepository: REPO },
      nodes: {
        'wf-1': {
          id: 'wf-1',
          name: 'wf',
          displayName: 'wf',
          type: 'Pod',
          phase: 'Succeeded',
          templateName: 'main',
          clusterName: 'other',
          outputs: {
            artifacts: [art('on-completion', { artifactGC: { strategy: 'OnWorkflowCompletion' } }), art('on-deletion')],
          },
        },
      },
    },
  };
}

const input = (wf: Workflow, extra: Partial<ArtifactGCInput> = {}): ArtifactGCInput => ({
  workflow: wf,
  spec: wf.spec,
  controller: { clusterName: 'main' },
  pods: [],
  tasks: [],
  now: new Date('2026-01-01T00:00:00Z'),
  ...extra,
});

describe('artifact GC: strategies', () => {
  test("the artifact's strategy wins over the workflow's; none is Never", () => {
    const spec = workflow().spec;
    assert.equal(
      gcStrategy(spec, { name: 'a', artifactGC: { strategy: 'OnWorkflowCompletion' } }),
      'OnWorkflowCompletion',
    );
    assert.equal(gcStrategy(spec, { name: 'a' }), 'OnWorkflowDeletion');
    assert.equal(gcStrategy({ templates: [] } as unknown as WorkflowSpec, { name: 'a' }), 'Never');
    assert.ok(hasArtifactGC(spec));
    const plain = { ...spec, templates: [{ name: 'x', outputs: { artifacts: [{ name: 'a' }] } }] } as WorkflowSpec;
    assert.equal(hasArtifactGC({ ...plain, artifactGC: { strategy: 'Never' } } as WorkflowSpec), false);
    assert.equal(hasArtifactGC(plain), true);
  });
  test("FNV-1a 32 as Go's hash/fnv computes it, and Argo's pod name", () => {
    assert.equal(fnv32a(''), 2166136261);
    assert.equal(fnv32a('a'), 0xe40c292c);
    assert.equal(
      gcPodName('wf', 'OnWorkflowDeletion', { serviceAccount: '', labels: {}, annotations: {} }),
      'wf-artgc-wfdel-2166136261',
    );
  });
  test('an unknown strategy is refused in the API server’s words', () => {
    const problems: string[] = [];
    validateArtifactGC(workflow({ artifactGC: { strategy: 'Sometimes' } } as Partial<WorkflowSpec>), (p, m) =>
      problems.push(`${p}: ${m}`),
    );
    assert.deepEqual(problems, [
      'spec.artifactGC.strategy: Unsupported value: "Sometimes": supported values: "", "OnWorkflowCompletion", "OnWorkflowDeletion", "Never"',
    ]);
  });
});

describe('artifact GC: a round', () => {
  test('completion: one task and pod in the place the node ran in, with its Secrets mounted', () => {
    const plan = planArtifactGC(input(workflow()));
    assert.equal(plan.creates.length, 1);
    const c = plan.creates[0]!;
    assert.deepEqual(c.place, { cluster: 'other', namespace: 'argo' });
    assert.equal(c.pod.metadata.name, 'wf-artgc-wfcomp-2166136261');
    assert.equal(c.task.metadata.name, 'wf-artgc-wfcomp-2166136261-0');
    assert.equal(c.task.metadata.labels?.[LABEL_GC_POD_HASH], gcPodHash('wf-artgc-wfcomp-2166136261'));
    assert.equal(c.task.metadata.ownerReferences, undefined, 'no ownerReference across clusters');
    assert.deepEqual(Object.keys(c.task.spec.artifactsByNode['wf-1']!.artifacts), ['on-completion']);
    assert.equal(c.task.spec.artifactsByNode['wf-1']!.archiveLocation?.s3?.bucket, 'b');
    assert.deepEqual(c.pod.spec.containers[0]!.args?.slice(0, 2), ['artifact', 'delete']);
    assert.deepEqual(c.pod.spec.volumes, [
      {
        name: 'cred',
        secret: {
          secretName: 'cred',
          items: [
            { key: 'accesskey', path: 'accesskey' },
            { key: 'secretkey', path: 'secretkey' },
          ],
        },
      },
    ]);
    assert.deepEqual(plan.status.artifactGCStatus?.strategiesProcessed, { OnWorkflowCompletion: true });
    assert.equal(plan.removeFinalizer, false, 'on-deletion is still to collect');
  });
  test('per-artifact service account and metadata give their own pod', () => {
    const wf = workflow({
      artifactGC: { strategy: 'OnWorkflowCompletion', serviceAccountName: 'gc' },
    } as Partial<WorkflowSpec>);
    const node = wf.status!.nodes!['wf-1']!;
    node.outputs!.artifacts![1]!.artifactGC = {
      strategy: 'OnWorkflowCompletion',
      serviceAccountName: 'other-gc',
      podMetadata: { labels: { team: 'a' } },
    } as never;
    const plan = planArtifactGC(input(wf));
    assert.deepEqual(plan.creates.map((c) => c.pod.spec.serviceAccountName).sort(), ['gc', 'other-gc']);
    assert.equal(
      plan.creates.find((c) => c.pod.spec.serviceAccountName === 'other-gc')?.pod.metadata.labels?.team,
      'a',
    );
  });
  test('results: deleted flags, errors as the ArtifactGCError condition and one event, the task read back', () => {
    const first = planArtifactGC(input(workflow()));
    const wf = { ...workflow(), status: first.status };
    const { pod, task } = first.creates[0]!;
    const done: ObservedPod = { cluster: 'other', namespace: 'argo', pod: { ...pod, status: { phase: 'Succeeded' } } };
    const reported = {
      ...task,
      status: {
        artifactResultsByNode: {
          'wf-1': {
            artifactResults: { 'on-completion': { name: 'on-completion', success: false, error: 'NoSuchBucket' } },
          },
        },
      },
    };
    const plan = planArtifactGC(
      input(wf, { pods: [done], tasks: [{ cluster: 'other', namespace: 'argo', task: reported }] }),
    );
    assert.equal(plan.creates.length, 0);
    assert.equal(plan.status.nodes!['wf-1']!.outputs!.artifacts![0]!.deleted, false);
    assert.deepEqual(plan.status.conditions, [
      { type: 'ArtifactGCError', status: 'True', message: `NoSuchBucket (artifactGCTask: ${task.metadata.name})` },
    ]);
    assert.deepEqual(plan.events, [
      'Artifact Garbage Collection failed for strategy OnWorkflowCompletion, err:NoSuchBucket',
    ]);
    assert.deepEqual(
      plan.deleteTasks.map((t) => t.name),
      [task.metadata.name],
    );
    assert.deepEqual(plan.deletePods, [], 'a pod whose deletes failed stays for its logs');
    assert.deepEqual(plan.status.artifactGCStatus?.podsRecouped, { 'other/argo/wf-artgc-wfcomp-2166136261': true });
  });
  test('deletion: the finalizer goes once every collected artifact is deleted', () => {
    const wf = workflow({}, { deletionTimestamp: '2026-01-01T00:00:00Z' });
    for (const a of wf.status!.nodes!['wf-1']!.outputs!.artifacts!) a.deleted = true;
    wf.status!.artifactGCStatus = { strategiesProcessed: { OnWorkflowCompletion: true, OnWorkflowDeletion: true } };
    assert.equal(planArtifactGC(input(wf)).removeFinalizer, true);
  });
  test('deletion never hangs: forceFinalizerRemoval once pods are read back, else the bound with an event', () => {
    const stuck = workflow({}, { deletionTimestamp: '2026-01-01T00:00:00Z' });
    stuck.status!.artifactGCStatus = { strategiesProcessed: { OnWorkflowCompletion: true, OnWorkflowDeletion: true } };
    const waiting = planArtifactGC(input(stuck, { now: new Date('2026-01-01T00:10:00Z') }));
    assert.equal(waiting.removeFinalizer, false);
    assert.ok(waiting.requeueAfterMs! > 0);
    const late = planArtifactGC(input(stuck, { now: new Date('2026-01-01T01:00:01Z') }));
    assert.equal(late.removeFinalizer, true);
    assert.match(late.events[0]!, /did not finish within 3600s of the deletion.*wf\/on-completion, wf\/on-deletion/);
    const forced = workflow(
      { artifactGC: { strategy: 'OnWorkflowDeletion', forceFinalizerRemoval: true } } as Partial<WorkflowSpec>,
      { deletionTimestamp: '2026-01-01T00:00:00Z' },
    );
    forced.status!.artifactGCStatus = stuck.status!.artifactGCStatus;
    assert.equal(planArtifactGC(input(forced)).removeFinalizer, true);
  });
});
