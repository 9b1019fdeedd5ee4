/**
 * Argo's e2e sidecar, volume-claim and probe cases through the local stack (issue 16's done-when list):
 * signals_test.go TestSidecars and TestInjectedSidecar, functional_test.go TestVolumeClaimTemplate and TestEventOnPVCFail, artifacts_test.go TestArtifactEphemeralVolume, functional/script-with-volume.yaml;
 * and what Argo sees of the kubelet's probes: a failing liveness probe kills `main` (the pod's
 * restartPolicy is Never, so the node fails with 143), a daemon with an exec readiness probe is used once
 * the probe passes. The workflows are Argo's test files as they are (test/e2e/testdata, inline YAML).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../src/local/stack.ts';
import { parseWorkflows } from '../../src/engine/index.ts';
import type { NodeStatus, Workflow } from '../../src/engine/types.ts';
import { SHARED } from '../integration/cli/cli-helpers.ts';
import { getClaim, listPods } from '../../src/adapters/kube/resources.ts';
import { LABEL_WORKFLOW } from '../../src/engine/labels.ts';
import { isNotFound } from '../../src/adapters/kube/errors.ts';

const DIR = join(SHARED, 'conformance/argo-upstream');
const parse = (text: string): Workflow =>
  parseWorkflows(text.includes('kind: Workflow') ? text : `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n${text}`)
    .workflows[0] as Workflow;
const done = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');
const node = (wf: Workflow, display: string) =>
  Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === display) as NodeStatus | undefined;
const why = (wf: Workflow) =>
  `${wf.status?.message ?? ''}: ` +
  Object.values(wf.status?.nodes ?? {})
    .map((n) => `${n.displayName} ${n.phase} ${n.message ?? ''}`)
    .join('; ');

/** test/e2e/testdata/sidecar-workflow.yaml (TestSidecars). */
const SIDECAR = `
metadata: {generateName: sidecar-}
spec:
  entrypoint: main
  templates:
    - name: main
      container:
        image: argoproj/argosay:v1
      sidecars:
        - name: sidecar
          image: argoproj/argosay:v1
          command: [ sh, -c ]
          args: [ "sleep 999" ]
`;

/** test/e2e/testdata/volume-claim-template-workflow.yaml (TestVolumeClaimTemplate). */
const CLAIM = `
metadata: {generateName: volume-claim-template-}
spec:
  entrypoint: main
  volumeClaimGC:
    strategy: OnWorkflowCompletion
  volumeClaimTemplates:
    - metadata:
        name: vol
      spec:
        accessModes: [ "ReadWriteOnce" ]
        resources:
          requests:
            storage: 1Mi
  templates:
    - name: main
      container:
        image: argoproj/argosay:v2
        volumeMounts:
          - name: vol
            mountPath: /mnt/vol
`;

/** TestArtifactEphemeralVolume: an input artifact under a claim mounted at the working directory. */
const EPHEMERAL = `
metadata: {generateName: artifact-volume-claim-}
spec:
  entrypoint: artifact-volume-claim
  volumeClaimTemplates:
    - metadata:
        name: vol
      spec:
        accessModes: [ "ReadWriteOnce" ]
        resources:
          requests:
            storage: 1Mi
  templates:
  - name: artifact-volume-claim
    inputs:
      artifacts:
      - name: artifact-volume-claim
        path: /tmp/input/input.txt
        raw:
          data: abc
    container:
      image: argoproj/argosay:v2
      command: [sh, -c]
      args: ["ls -l"]
      workingDir: /tmp
      volumeMounts:
      - name: vol
        mountPath: /tmp
`;

/** A main container whose liveness probe fails: the kubelet kills it. */
const LIVENESS = `
metadata: {generateName: liveness-}
spec:
  entrypoint: main
  templates:
    - name: main
      container:
        image: alpine:3.23
        command: [sleep, "600"]
        livenessProbe:
          exec: {command: ["cat", "/tmp/healthy"]}
          periodSeconds: 1
          failureThreshold: 2
`;

/** A daemon that is ready once its exec readiness probe finds the file it writes. */
const EXEC_READY_DAEMON = `
metadata: {generateName: daemon-exec-ready-}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: server, template: server}
        - - name: client
            template: client
            arguments: {parameters: [{name: ip, value: "{{steps.server.ip}}"}]}
    - name: server
      daemon: true
      container:
        image: alpine:3.23
        command: [sh, -c, "sleep 1; touch /tmp/ready; sleep 600"]
        readinessProbe:
          exec: {command: ["cat", "/tmp/ready"]}
          periodSeconds: 1
    - name: client
      inputs: {parameters: [{name: ip}]}
      container:
        image: alpine:3.23
        command: [echo, "{{inputs.parameters.ip}}"]
`;

/** signals_test.go TestInjectedSidecar: a container Argo's executor does not run, added by a podSpecPatch. */
const INJECTED = `
metadata: {generateName: sidecar-injected-}
spec:
  entrypoint: main
  podSpecPatch: |
    terminationGracePeriodSeconds: 3
    containers:
      - name: wait
      - name: main
      - name: sidecar
        image: argoproj/argosay:v1
        command: [sh, -c]
        args: ["sleep 999"]
  templates:
    - name: main
      container:
        image: argoproj/argosay:v1
`;

let stack: LocalStack;
before(async () => {
  stack = await startLocalStack({ resyncIntervalMs: 2000 });
});
after(async () => {
  await stack?.stop();
});

describe('Argo’s e2e sidecar, volume-claim and probe cases through the local stack', () => {
  const results = new Map<string, Promise<Workflow>>();
  const run = (key: string, text: string): Promise<Workflow> => {
    let p = results.get(key);
    if (!p) {
      p = Promise.resolve()
        .then(() => stack.submit(parse(text)))
        .then((s) => stack.waitFor('argo', s.metadata.name ?? '', done, 100_000));
      results.set(key, p);
    }
    return p;
  };
  const CASES: Record<string, string> = {
    sidecar: SIDECAR,
    injected: INJECTED,
    claim: CLAIM,
    ephemeral: EPHEMERAL,
    liveness: LIVENESS,
    daemon: EXEC_READY_DAEMON,
    'pvc-fail': readFileSync(join(DIR, 'test__e2e__expectedfailures__volumes-pvc-fail-event.yaml'), 'utf8'),
    'script-with-volume': readFileSync(join(DIR, 'test__e2e__functional__script-with-volume.yaml'), 'utf8'),
  };
  before(() => {
    for (const [key, text] of Object.entries(CASES)) run(key, text).catch(() => undefined);
  });

  for (const key of ['sidecar', 'ephemeral', 'script-with-volume']) {
    test(`${key} → Succeeded`, async () => {
      const wf = await run(key, CASES[key]!);
      assert.equal(wf.status?.phase, 'Succeeded', why(wf));
    });
  }

  test('TestInjectedSidecar: Succeeded, and the pod with the still-running sidecar is deleted', async () => {
    const wf = await run('injected', INJECTED);
    assert.equal(wf.status?.phase, 'Succeeded', why(wf));
    const name = wf.metadata.name ?? '';
    let left = 1;
    for (let i = 0; i < 100 && left > 0; i++) {
      const pods = await listPods(stack.mainClient, 'argo', {
        labelSelector: `${LABEL_WORKFLOW}=${name}`,
      });
      left = pods.items.length;
      if (left > 0) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(left, 0, 'the pod is deleted so the sidecar stops');
  });

  test('TestVolumeClaimTemplate: Succeeded and the claim is deleted (OnWorkflowCompletion)', async () => {
    const wf = await run('claim', CLAIM);
    assert.equal(wf.status?.phase, 'Succeeded', why(wf));
    const name = `${wf.metadata.name}-vol`;
    let gone = false;
    for (let i = 0; i < 75 && !gone; i++) {
      gone = await getClaim(stack.mainClient, 'argo', name).then(
        () => false,
        (e: unknown) => isNotFound(e),
      );
      if (!gone) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(gone, `claim ${name} deleted`);
  });

  // Argo creates the claims when the workflow starts and fails it with `pvc create error: …` (its
  // WorkflowFailed event says so); Argosy creates a claim with the first pod that mounts it (ADR 0016),
  // so the refusal ends that step's node with the API server's message and the workflow Fails.
  test('TestEventOnPVCFail: the refused claim fails the workflow, naming the invalid access mode', async () => {
    const wf = await run('pvc-fail', CASES['pvc-fail']!);
    assert.equal(wf.status?.phase, 'Failed', why(wf));
    const refused = Object.values(wf.status?.nodes ?? {}).find((n) => /InvalidAccessMode/.test(n.message ?? ''));
    assert.ok(refused, why(wf));
    assert.match(refused.message ?? '', /persistentvolumeclaim|PersistentVolumeClaim/);
  });

  test('a failing liveness probe kills main: the node fails with exit code 143', async () => {
    const wf = await run('liveness', LIVENESS);
    assert.equal(wf.status?.phase, 'Failed', why(wf));
    assert.match(node(wf, wf.metadata.name ?? '')?.message ?? '', /exit code 143/);
  });

  test('a daemon with an exec readiness probe is used once the probe passes', async () => {
    const wf = await run('daemon', EXEC_READY_DAEMON);
    assert.equal(wf.status?.phase, 'Succeeded', why(wf));
    const server = node(wf, 'server');
    assert.equal(node(wf, 'client')?.inputs?.parameters?.[0]?.value, server?.podIP);
    assert.match(server?.podIP ?? '', /^127\./);
  });
});
