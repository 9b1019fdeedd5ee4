/**
 * Container sets through the local stack: Argo's container-set-template examples reach Argo's phase
 * (manifest.json), the members run in dependency order sharing the set's volume, a member is retried
 * by `containerSet.retryStrategy` inside the same pod (Argo's e2e TestWorkflowTemplateWithRetryStrategyInContainerSet),
 * and each member's Container node ends as its container did.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../src/local/stack.ts';
import { parseWorkflows } from '../../src/engine/index.ts';
import type { NodeStatus, Workflow } from '../../src/engine/types.ts';
import { SHARED } from '../integration/cli/cli-helpers.ts';
import { podsOf } from '../integration/pipeline/helpers.ts';
import { readPodLog } from '../../src/adapters/kube/resources.ts';

const DIR = join(SHARED, 'conformance/argo-upstream');
const parse = (text: string): Workflow => parseWorkflows(text).workflows[0] as Workflow;
const done = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');

/** Case → the phase Argo reaches (manifest.json). */
const CASES: Record<string, string> = {
  'examples__container-set-template__graph-workflow.yaml': 'Succeeded',
  'examples__container-set-template__outputs-result-workflow.yaml': 'Succeeded',
  'examples__container-set-template__parallel-workflow.yaml': 'Succeeded',
  'examples__container-set-template__sequence-workflow.yaml': 'Succeeded',
  'examples__container-set-template__workspace-workflow.yaml': 'Succeeded',
};

/** Members appending to one shared file: the order in it is the order they ran in. */
const ORDER = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: order- }
spec:
  entrypoint: main
  templates:
    - name: main
      volumes: [{ name: w, emptyDir: {} }]
      containerSet:
        volumeMounts: [{ name: w, mountPath: /w }]
        containers:
          - { name: a, image: alpine:3.23, command: [sh, -c, 'sleep 1; echo a >> /w/log'] }
          - { name: b, image: alpine:3.23, command: [sh, -c, 'echo b >> /w/log'], dependencies: [a] }
          - { name: main, image: alpine:3.23, command: [sh, -c, 'echo main >> /w/log'], dependencies: [b] }
      outputs:
        parameters: [{ name: log, valueFrom: { path: /w/log } }]
`;

/** Argo's test/e2e/testdata/workflow-template-with-containerset.yaml as a Workflow. */
const RETRY = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: cs-retry- }
spec:
  entrypoint: test
  templates:
    - name: test
      containerSet:
        retryStrategy: { retries: "2" }
        containers:
          - { name: c1, image: argoproj/argosay:v2, args: [echo, hi] }
          - { name: c2, image: argoproj/argosay:v2, command: [invalid, command] }
          - { name: c3, image: argoproj/argosay:v2, command: [sh, -c], args: ["echo intentional failure; exit 1"] }
`;

let stack: LocalStack;
before(async () => {
  stack = await startLocalStack({ resyncIntervalMs: 2000 });
});
after(async () => {
  await stack?.stop();
});

describe('container sets through the local stack', () => {
  const results = new Map<string, Promise<Workflow>>();
  const run = (key: string, wf: () => Workflow): Promise<Workflow> => {
    let p = results.get(key);
    if (!p) {
      p = stack.submit(wf()).then((s) => stack.waitFor('argo', s.metadata.name ?? '', done, 180_000));
      results.set(key, p);
    }
    return p;
  };
  const example = (file: string) => run(file, () => parse(readFileSync(join(DIR, file), 'utf8')));
  const node = (wf: Workflow, display: string) =>
    Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === display) as NodeStatus | undefined;
  before(() => {
    for (const file of Object.keys(CASES)) example(file).catch(() => undefined);
    run('order', () => parse(ORDER)).catch(() => undefined);
    run('retry', () => parse(RETRY)).catch(() => undefined);
  });

  for (const [file, phase] of Object.entries(CASES)) {
    test(`${file} → ${phase}`, async () => {
      const wf = await example(file);
      const why = Object.values(wf.status?.nodes ?? {})
        .filter((n) => n.message)
        .map((n) => `${n.displayName}: ${n.phase} ${n.message}`)
        .join('; ');
      assert.equal(wf.status?.phase, phase, `${file}: ${wf.status?.message ?? ''} (${why})`);
    });
  }

  test('graph-workflow: one Container node per member, edges along dependencies, all Succeeded', async () => {
    const wf = await example('examples__container-set-template__graph-workflow.yaml');
    const name = wf.metadata.name ?? '';
    const ctrs = Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === 'Container');
    assert.deepEqual(
      ctrs.map((n) => n.name).sort(),
      ['a', 'b', 'c', 'd'].map((c) => `${name}.${c}`),
    );
    for (const c of ctrs) assert.equal(c.phase, 'Succeeded', c.name);
    const id = (c: string) => node(wf, c)?.id;
    assert.deepEqual(wf.status?.nodes?.[name]?.children, [id('a')]);
    assert.deepEqual(node(wf, 'a')?.children, [id('b'), id('c')]);
    assert.deepEqual(node(wf, 'b')?.children, [id('d')]);
  });

  test('members run in dependency order and share the set’s volume', async () => {
    const wf = await run('order', () => parse(ORDER));
    assert.equal(wf.status?.phase, 'Succeeded', wf.status?.message);
    const root = wf.status?.nodes?.[wf.metadata.name ?? ''];
    assert.equal(root?.outputs?.parameters?.[0]?.value, 'a\nb\nmain');
  });

  test('outputs-result: the result of the member named main reaches the next task', async () => {
    const wf = await example('examples__container-set-template__outputs-result-workflow.yaml');
    assert.equal(node(wf, 'a')?.outputs?.result, 'hi');
  });

  test('retryStrategy retries a failing member in its pod; a missing command is emissary’s error', async () => {
    const wf = await run('retry', () => parse(RETRY));
    assert.equal(wf.status?.phase, 'Failed');
    assert.equal(node(wf, 'c1')?.phase, 'Succeeded');
    assert.equal(node(wf, 'c3')?.phase, 'Failed');
    assert.match(node(wf, 'c3')?.message ?? '', /^c3: Error \(exit code 1\)/);
    const [pod] = await podsOf(stack, wf.metadata.name ?? '', ['main']);
    const logs = await readPodLog(stack.mainClient, 'argo', pod?.pod.metadata.name ?? '', { container: 'c3' });
    assert.equal(logs.split('intentional failure').length - 1, 2, `two attempts (retries: "2"): ${logs}`);
    assert.equal(node(wf, 'c2')?.phase, 'Error');
    assert.match(
      node(wf, 'c2')?.message ?? '',
      /c2: Error \(exit code 64\): failed to find name in PATH: exec: "invalid"/,
    );
  });
});
