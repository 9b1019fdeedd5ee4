/**
 * Tags in the workflow-level `spec.volumes` a pod mounts are substituted with the scope its step/task
 * was resolved in (Argo's substituteParamsInVolumes, called from steps.go resolveReferences and dag.go
 * resolveDependencyReferences with the sibling scope, and from operator.go with the globals); a tag that
 * scope does not know stays as written (allowUnresolved).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { KubePod } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { runWorkflow } from './kubelet-sim.ts';

const VOLUME_DEFAULT = '../shared/conformance/argo-upstream/test__e2e__functional__dag-skipped-volume-default.yaml';

/** The corpus file, named for the simulator; `producerWhen` replaces the producer's `when`. */
function volumeDefault(producerWhen: string): Workflow {
  const wf = parse(readFileSync(VOLUME_DEFAULT, 'utf8')) as Workflow;
  wf.metadata = { name: 'w', namespace: 'argo', uid: 'u' };
  const tasks = (wf.spec.templates?.[0]?.dag as { tasks: { name: string; when?: string }[] }).tasks;
  const producer = tasks.find((t) => t.name === 'producer');
  assert.ok(producer);
  producer.when = producerWhen;
  return wf;
}

/** The spec of the pod created for node `nodeName`, and the workflow's phase. */
function podOf(wf: Workflow, nodeName: string): { phase: string | undefined; spec: KubePod['spec'] } {
  const r = runWorkflow(wf);
  const pods = r.decisions.flatMap((d) => d.actions).flatMap((a) => (a.kind === 'CreatePod' ? [a.pod] : []));
  const pod = pods.find((p) => p.metadata.annotations?.['workflows.argoproj.io/node-name'] === nodeName);
  assert.ok(pod, `no pod for ${nodeName}`);
  return { phase: r.workflow.status?.phase, spec: pod.spec };
}

function volume(spec: KubePod['spec'], name: string): Record<string, unknown> | undefined {
  return (spec.volumes as Record<string, unknown>[] | undefined)?.find((v) => v.name === name);
}

describe('workflow-level volumes take the step/task scope', () => {
  test("dag-skipped-volume-default: the skipped producer's valueFrom.default names the ConfigMap", () => {
    const { phase, spec } = podOf(volumeDefault('false'), 'w.consumer');
    assert.equal(phase, 'Succeeded');
    assert.deepEqual(volume(spec, 'cfg'), { name: 'cfg', configMap: { name: 'rescued-config', optional: true } });
  });

  test('dag-skipped-volume-default with the producer run: its output names the ConfigMap', () => {
    const { phase, spec } = podOf(volumeDefault('true'), 'w.consumer');
    assert.equal(phase, 'Succeeded');
    assert.deepEqual(volume(spec, 'cfg'), { name: 'cfg', configMap: { name: 'real-config', optional: true } });
  });

  test('steps: a sibling output and a workflow parameter are substituted, an unknown tag stays', () => {
    const wf = parse(`
metadata: {name: w, namespace: argo, uid: u}
spec:
  entrypoint: main
  arguments: {parameters: [{name: suffix, value: prod}]}
  volumes:
    - name: cfg
      configMap: {name: "{{steps.producer.outputs.parameters.cm}}-{{workflow.parameters.suffix}}", optional: true}
    - name: other
      secret: {secretName: "{{steps.nowhere.outputs.parameters.x}}", optional: true}
  templates:
    - name: main
      steps:
        - - {name: producer, template: produce}
        - - {name: consumer, template: consume}
    - name: produce
      outputs:
        parameters: [{name: cm, valueFrom: {path: /tmp/out.txt}}]
      container: {image: "argoproj/argosay:v2", args: [echo, made, /tmp/out.txt]}
    - name: consume
      container:
        image: "argoproj/argosay:v2"
        args: [echo, hello]
        volumeMounts: [{name: cfg, mountPath: /cfg}, {name: other, mountPath: /other}]
`) as Workflow;
    const { phase, spec } = podOf(wf, 'w[1].consumer');
    assert.equal(phase, 'Succeeded');
    assert.deepEqual(volume(spec, 'cfg'), { name: 'cfg', configMap: { name: 'made-prod', optional: true } });
    assert.deepEqual(volume(spec, 'other'), {
      name: 'other',
      secret: { secretName: '{{steps.nowhere.outputs.parameters.x}}', optional: true },
    });
  });

  test('an absent optional naming a volume ends the consumer Error with the message', () => {
    const wf = volumeDefault('false');
    const produce = wf.spec.templates?.find((t) => t.name === 'produce');
    const out = (produce?.outputs?.parameters ?? [])[0] as { valueFrom?: { default?: string } };
    delete out.valueFrom?.default;
    const r = runWorkflow(wf);
    const consumer = Object.values(r.workflow.status?.nodes ?? {}).find((n) => n.name === 'w.consumer');
    assert.equal(consumer?.phase, 'Error');
    assert.equal(
      consumer?.message,
      'volumes: unable to substitute {{tasks.producer.outputs.parameters.cm-name}}: ' +
        'output is an absent optional (skipped/omitted node with no default)',
    );
    assert.equal(r.workflow.status?.phase, 'Error');
  });

  test('the entrypoint pod: workflow parameters are substituted', () => {
    const wf = parse(`
metadata: {name: w, namespace: argo, uid: u}
spec:
  entrypoint: main
  arguments: {parameters: [{name: cm, value: from-args}]}
  volumes:
    - {name: cfg, configMap: {name: "{{workflow.parameters.cm}}", optional: true}}
  templates:
    - name: main
      container:
        image: "argoproj/argosay:v2"
        args: [echo, hello]
        volumeMounts: [{name: cfg, mountPath: /cfg}]
`) as Workflow;
    const { spec } = podOf(wf, 'w');
    assert.deepEqual(volume(spec, 'cfg'), { name: 'cfg', configMap: { name: 'from-args', optional: true } });
  });
});
