// Data templates through the whole local stack: the pod's `argoexec data` stand-in lists the keys under
// the artifact paths in the repository bucket (fauxqs S3), applies the expression transformations and
// reports the JSON as outputs.result; Argo's data-transformations example reaches Succeeded with the
// main.log files an archiveLogs workflow left in the bucket.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { isDone } from '../pipeline/helpers.ts';
import { s3Store } from '../../../src/adapters/artifacts/s3.ts';
import { LOCAL_ARTIFACT_BUCKET } from '../../../src/local/artifact-repository.ts';

const UPSTREAM = join(import.meta.dirname, '../../../../shared/conformance/argo-upstream');
const nodes = (wf: Workflow): NodeStatus[] => Object.values(wf.status?.nodes ?? {});
const byDisplay = (wf: Workflow, name: string) => nodes(wf).find((n) => n.displayName === name);
const summary = (wf: Workflow) =>
  JSON.stringify({
    phase: wf.status?.phase,
    message: wf.status?.message,
    nodes: nodes(wf).map((n) => [n.name, n.phase, n.message]),
  });

describe('data templates on the local stack', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await startLocalStack({ runtime: 'process', resyncIntervalMs: 5000, visibilityTimeoutSeconds: 2 });
  });
  after(async () => {
    await stack?.stop();
  });
  async function run(wf: Workflow): Promise<Workflow> {
    const created = await stack.submit(wf, 'argo');
    return stack.waitFor('argo', created.metadata.name!, isDone, 90_000);
  }
  async function put(key: string, body: string): Promise<void> {
    const store = s3Store({
      endpoint: stack.sqsEndpoint,
      bucket: LOCAL_ARTIFACT_BUCKET,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      await store.put(key, Buffer.from(body));
    } finally {
      store.close();
    }
  }

  test('artifactPaths under a key, filter and map expressions; the result feeds withParam', async () => {
    await put('data-test/a.log', 'A');
    await put('data-test/b.log', 'B');
    await put('data-test/c.txt', 'C');
    const wf = await run(
      parse(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: data-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: list, template: list}
    - - name: each
        template: echo
        withParam: "{{steps.list.outputs.result}}"
        arguments: {parameters: [{name: key, value: "{{item}}"}]}
  - name: list
    data:
      source:
        artifactPaths:
          name: logs
          s3: {key: data-test}
      transformation:
      - expression: 'filter(data, {# endsWith ".log"})'
      - expression: 'map(data, {upper(#)})'
  - name: echo
    inputs: {parameters: [{name: key}]}
    container: {image: alpine, command: [echo, "{{inputs.parameters.key}}"]}
`) as Workflow,
    );
    assert.equal(wf.status?.phase, 'Succeeded', summary(wf));
    const list = byDisplay(wf, 'list');
    assert.equal(list?.type, 'Pod');
    assert.equal(list?.outputs?.result, '["DATA-TEST/A.LOG","DATA-TEST/B.LOG"]');
    assert.equal(nodes(wf).filter((n) => n.templateName === 'echo').length, 2);
  });

  test("a failing transformation fails the node with Argo's message", async () => {
    const wf = await run(
      parse(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: data-bad-}
spec:
  entrypoint: list
  templates:
  - name: list
    data:
      source:
        artifactPaths: {name: logs, s3: {key: data-test}}
      transformation:
      - expression: 'nosuchfunction(data)'
`) as Workflow,
    );
    assert.equal(wf.status?.phase, 'Failed', summary(wf));
    assert.match(
      nodes(wf)[0]?.message ?? '',
      /unable to process data template: unable to process data transformation: error processing data step 0: /,
    );
  });

  test("Argo's data-transformations example reaches Succeeded over archived main.log files", async () => {
    const logs = await run(
      parse(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: make-logs-}
spec:
  entrypoint: say
  archiveLogs: true
  templates:
  - name: say
    container: {image: alpine, command: [echo, "a line of log"]}
`) as Workflow,
    );
    assert.equal(logs.status?.phase, 'Succeeded', summary(logs));
    const wf = await run(
      parse(readFileSync(join(UPSTREAM, 'examples__data-transformations.yaml'), 'utf8')) as Workflow,
    );
    assert.equal(wf.status?.phase, 'Succeeded', summary(wf));
    const listed = JSON.parse(byDisplay(wf, 'list-log-files')?.outputs?.result ?? '[]') as string[];
    assert.ok(listed.length > 0 && listed.every((k) => k.endsWith('main.log')), JSON.stringify(listed));
    assert.ok(
      listed.some((k) => k.startsWith(`${logs.metadata.name}/`)),
      'the archived log is listed',
    );
    assert.equal(nodes(wf).filter((n) => n.templateName === 'process-logs').length, listed.length);
  });
});
