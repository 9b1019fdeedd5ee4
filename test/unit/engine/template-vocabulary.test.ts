/**
 * Template vocabulary around expressions: templateDefaults merged as Argo merges them, expression tags in
 * pod metadata and container fields, a script without source run as a plain container, and an expression
 * error ending the node Error with the expression's position.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { KubePod } from '../../../src/engine/contract.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

function firstPod(yaml: string): KubePod {
  const d = decide({ workflow: wfFromYaml(yaml), pods: [], controller: { clusterName: 'main' } }, NOW);
  const create = d.actions.find((a) => a.kind === 'CreatePod');
  assert.ok(create && create.kind === 'CreatePod', JSON.stringify(d.status.nodes));
  return create.pod;
}

describe('templateDefaults', () => {
  const yaml = (kind: string, body: string) => `
spec:
  entrypoint: t
  templateDefaults:
    container: {image: default-image, workingDir: /src, env: [{name: A, value: a}, {name: B, value: b}]}
    script: {image: script-image, command: [python]}
    activeDeadlineSeconds: 30
  templates:
  - name: t
    ${kind}: ${body}
`;
  test('a container template takes the container defaults; its own fields and env entries win by name', () => {
    const c = firstPod(yaml('container', '{command: [echo], env: [{name: B, value: mine}]}')).spec.containers[0];
    assert.equal(c?.image, 'default-image');
    assert.equal(c?.workingDir, '/src');
    assert.deepEqual(c?.env, [
      { name: 'A', value: 'a' },
      { name: 'B', value: 'mine' },
    ]);
  });
  test('a script template takes only the script defaults (the container default does not change its type)', () => {
    const pod = firstPod(yaml('script', '{source: print(1)}'));
    const c = pod.spec.containers[0];
    assert.equal(c?.image, 'script-image');
    assert.equal(c?.command?.at(-1), 'python');
    assert.equal(c?.workingDir, undefined);
    assert.equal(pod.spec.activeDeadlineSeconds, 30);
  });
});

describe('expression tags in pods', () => {
  test('podMetadata and template metadata, args and env evaluate {{=...}}', () => {
    const pod = firstPod(`
spec:
  entrypoint: t
  arguments: {parameters: [{name: num, value: "4"}]}
  podMetadata: {labels: {size: "{{= asInt(workflow.parameters.num) > 3 ? 'big' : 'small' }}"}}
  templates:
  - name: t
    inputs: {parameters: [{name: m, value: "{{= sprig.upper(workflow.name) }}"}]}
    metadata: {annotations: {half: "{{=asInt(workflow.parameters.num) / 8}}"}}
    container:
      image: alpine
      command: [echo, "{{= inputs.parameters.m + '-' + string(len(workflow.parameters.num | split(''))) }}"]
`);
    assert.equal(pod.metadata.labels?.size, 'big');
    assert.equal(pod.metadata.annotations?.half, '0.5');
    assert.deepEqual(pod.spec.containers[0]?.command, ['echo', 'WF-1']);
  });
  test('a script with args and no source runs the image entrypoint with its args (not sh)', () => {
    const c = firstPod(`
spec:
  entrypoint: t
  templates:
  - name: t
    script: {image: argoproj/argosay:v2, args: [echo, "[]"]}
`).spec.containers[0];
    assert.equal(c?.command, undefined);
    assert.deepEqual(c?.args, ['echo', '[]']);
  });
  test('a failing expression ends the node Error with the problem and its position', () => {
    const d = decide(
      {
        workflow: wfFromYaml(`
spec:
  entrypoint: t
  templates:
  - name: t
    container: {image: alpine, command: [echo, "{{= 1 + 'a' }}"]}
`),
        pods: [],
        controller: { clusterName: 'main' },
      },
      NOW,
    );
    const node = Object.values(d.status.nodes ?? {})[0];
    assert.equal(node?.phase, 'Error');
    assert.equal(
      node?.message,
      "failed to evaluate expression: invalid operation: + (mismatched types int and string) (1:4)\n |  1 + 'a'\n | ...^",
    );
    assert.equal(d.actions.filter((a) => a.kind === 'CreatePod').length, 0);
  });
});
