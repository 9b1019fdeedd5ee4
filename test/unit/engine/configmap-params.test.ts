/**
 * `valueFrom.configMapKeyRef` parameters (Argo's GetConfigMapValue): workflow arguments and template
 * inputs read the snapshot's ConfigMaps; a missing ConfigMap/key, a ConfigMap without Argo's label, and
 * `valueFrom.default` behave and read as in Argo.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, validateWorkflow } from '../../../src/engine/index.ts';
import type { ObservedConfigMap } from '../../../src/engine/contract.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const LABELS = { 'workflows.argoproj.io/configmap-type': 'Parameter' };
const argsYaml = (extra = '') => `
spec:
  entrypoint: t
  arguments:
    parameters:
    - name: message
      valueFrom: {configMapKeyRef: {name: simple-parameters, key: msg}${extra}}
  templates:
  - name: t
    container: {image: busybox, command: [echo], args: ["{{workflow.parameters.message}}"]}
`;

function run(yaml: string, configMaps?: Record<string, ObservedConfigMap>) {
  return decide({ workflow: wfFromYaml(yaml), pods: [], controller: { clusterName: 'main' }, configMaps }, NOW);
}

describe('configMapKeyRef workflow arguments', () => {
  test('validate without a value', () => assert.deepEqual(validateWorkflow(wfFromYaml(argsYaml())), []));
  test('the value comes from the labelled ConfigMap in the workflow namespace', () => {
    const d = run(argsYaml(), { 'argo/simple-parameters': { labels: LABELS, data: { msg: 'hello world' } } });
    const create = d.actions.find((a) => a.kind === 'CreatePod');
    assert.ok(create && create.kind === 'CreatePod');
    assert.deepEqual(create.pod.spec.containers[0]?.args, ['hello world']);
  });
  test('a missing ConfigMap errors the workflow with Argo message', () => {
    const d = run(argsYaml());
    assert.equal(d.status.phase, 'Error');
    assert.equal(
      d.status.message,
      "failed to set global parameter message from configmap with name simple-parameters and key msg: ConfigMap 'simple-parameters' does not exist. Please make sure it has the label workflows.argoproj.io/configmap-type: Parameter to be detectable by the controller",
    );
    assert.equal(d.actions.filter((a) => a.kind === 'CreatePod').length, 0);
  });
  test('a ConfigMap without the label is refused', () => {
    const d = run(argsYaml(), { 'argo/simple-parameters': { labels: {}, data: { msg: 'x' } } });
    assert.match(
      d.status.message ?? '',
      /ConfigMap 'simple-parameters' needs to have the label workflows\.argoproj\.io\/configmap-type: Parameter to load parameters$/,
    );
  });
  test('valueFrom.default stands in for a missing key', () => {
    const d = run(argsYaml(', default: fallback'), { 'argo/simple-parameters': { labels: LABELS, data: {} } });
    const create = d.actions.find((a) => a.kind === 'CreatePod');
    assert.ok(create && create.kind === 'CreatePod');
    assert.deepEqual(create.pod.spec.containers[0]?.args, ['fallback']);
  });
});

describe('configMapKeyRef inputs', () => {
  const yaml = `
spec:
  entrypoint: t
  arguments: {parameters: [{name: cm, value: simple-parameters}]}
  templates:
  - name: t
    inputs:
      parameters:
      - name: msg
        valueFrom: {configMapKeyRef: {name: "{{workflow.parameters.cm}}", key: msg}}
    container: {image: busybox, command: [echo, "{{inputs.parameters.msg}}"]}
`;
  test('the name is substituted with globals and the value read', () => {
    const d = run(yaml, { 'argo/simple-parameters': { labels: LABELS, data: { msg: 'from cm' } } });
    const create = d.actions.find((a) => a.kind === 'CreatePod');
    assert.ok(create && create.kind === 'CreatePod');
    assert.deepEqual(create.pod.spec.containers[0]?.command, ['echo', 'from cm']);
  });
  test('a missing key errors the node with Argo message', () => {
    const d = run(yaml, { 'argo/simple-parameters': { labels: LABELS, data: {} } });
    const node = Object.values(d.status.nodes ?? {})[0];
    assert.equal(node?.phase, 'Error');
    assert.equal(
      node?.message,
      "unable to retrieve inputs.parameters.msg from ConfigMap: ConfigMap 'simple-parameters' does not have the key 'msg'",
    );
  });
});
