/**
 * A template's `workflows.argoproj.io/display-name` annotation names the node that runs it, after
 * substitution (Argo's executeTemplate and examples/loops-param-argument.yaml); an invalid name errors
 * the node with Argo's message.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { drive } from './drive.ts';
import { wfFromYaml } from './fixtures.ts';

const yaml = (displayName: string) => `
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: os
        template: cat
        arguments: {parameters: [{name: image, value: "{{item.image}}"}, {name: tag, value: "{{item.tag}}"}]}
        withItems: [{image: debian, tag: "9.1"}, {image: alpine, tag: "3.20"}]
  - name: cat
    annotations:
      workflows.argoproj.io/display-name: "${displayName}"
      team: ignored-by-argo
    inputs: {parameters: [{name: image}, {name: tag}]}
    container: {image: "{{inputs.parameters.image}}:{{inputs.parameters.tag}}", command: [cat, /etc/os-release]}
`;

describe('template display-name annotation', () => {
  test('each node that runs the template shows the substituted name; node names are unchanged', () => {
    const { workflow } = drive(wfFromYaml(yaml('os-{{inputs.parameters.image}}-{{inputs.parameters.tag}}')));
    assert.equal(workflow.status?.phase, 'Succeeded');
    const pods = Object.values(workflow.status?.nodes ?? {}).filter((n) => n.type === 'Pod');
    assert.deepEqual(pods.map((n) => n.displayName).sort(), ['os-alpine-3.20', 'os-debian-9.1']);
    assert.deepEqual(pods.map((n) => n.name.slice(workflow.metadata.name!.length)).sort(), [
      '[0].os(0:image:debian,tag:9.1)',
      '[0].os(1:image:alpine,tag:3.20)',
    ]);
  });
  test("a name that is not a valid display name errors the node with Argo's message", () => {
    const { workflow } = drive(wfFromYaml(yaml('os {{inputs.parameters.image}}')));
    const pods = Object.values(workflow.status?.nodes ?? {}).filter((n) => n.templateName === 'cat');
    assert.equal(pods.length, 2);
    for (const n of pods) {
      assert.equal(n.phase, 'Error');
      assert.equal(n.message, 'displayName must match the regex ^[a-zA-Z0-9][a-zA-Z0-9-.]{0,61}[a-zA-Z0-9]$');
    }
    assert.equal(workflow.status?.phase, 'Failed');
  });
});
