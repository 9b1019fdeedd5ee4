/**
 * WorkflowTemplates and ClusterWorkflowTemplates end to end on `argosy dev`: `argosy template` /
 * `cluster-template` create, list, get, delete and lint with argo's output; Argo's workflow-template
 * and cluster-workflow-template examples submitted against them (the controller loads the templates
 * through the RBAC infra/ installs) reach Argo's phase; `submit --from` builds Argo's workflow;
 * multi-document files apply their templates first; commands not implemented yet are refused by name.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { runCli, scratch, SHARED, spawnCli, writeFile } from './cli-helpers.ts';

const dir = scratch();
const statePath = join(dir, '.argosy', 'dev.json');
const UP = join(SHARED, 'conformance/argo-upstream');
const TEMPLATES = join(UP, 'examples__workflow-template__templates.yaml');
const CLUSTER_TEMPLATES = join(UP, 'examples__cluster-workflow-template__clustertemplates.yaml');
let dev: ChildProcess;
let devOut = '';

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; dev output:\n${devOut}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  dev = spawnCli(['dev', '--clusters', 'main', '--runtime', 'sim'], dir);
  dev.stdout!.on('data', (d: Buffer) => (devOut += d.toString()));
  dev.stderr!.on('data', (d: Buffer) => (devOut += d.toString()));
  await until(() => (devOut.includes('Ctrl-C stops it') && existsSync(statePath) ? true : undefined), 'argosy dev');
});

after(async () => {
  if (dev.exitCode === null && dev.signalCode === null) {
    dev.kill('SIGKILL');
    await once(dev, 'close');
  }
  rmSync(dir, { recursive: true, force: true });
});

/** `submit --wait -o name`: the final line `<name> <phase> at <time>`. */
async function submitPhase(args: string[]): Promise<string> {
  const r = await runCli(['submit', ...args, '--wait', '-o', 'name'], dir);
  assert.equal(r.code === 0 || r.code === 1, true, r.stderr);
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  return / (\w+) at /.exec(last)?.[1] ?? `no phase in ${r.stdout} ${r.stderr}`;
}

describe('argosy template / cluster-template and workflows that use them', () => {
  test("template create prints argo's Name/Namespace/Created block per template", async () => {
    const r = await runCli(['template', 'create', TEMPLATES], dir);
    assert.equal(r.code, 0, r.stderr);
    const blocks = r.stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('Name:'));
    assert.equal(blocks.length, 5);
    assert.match(
      r.stdout,
      /^Name: {16}workflow-template-print-message\nNamespace: {11}argo\nCreated: {13}\w{3} \w{3} \d\d /m,
    );
  });

  test('cluster-template create, list and get -o yaml', async () => {
    const c = await runCli(['cluster-template', 'create', CLUSTER_TEMPLATES, '-o', 'name'], dir);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout.split('\n').filter(Boolean).length, 5);
    const l = await runCli(['cluster-template', 'list'], dir);
    assert.equal(l.stdout.split('\n')[0], 'NAME');
    assert.ok(l.stdout.includes('cluster-workflow-template-inner-dag\n'), l.stdout);
    const g = await runCli(['cluster-template', 'get', 'cluster-workflow-template-submittable', '-o', 'yaml'], dir);
    assert.equal(g.code, 0, g.stderr);
    assert.match(g.stdout, /kind: ClusterWorkflowTemplate/);
  });

  test('template list and -o name; get of a missing template exits 1 naming it', async () => {
    const l = await runCli(['template', 'list', '-o', 'name'], dir);
    assert.deepEqual(l.stdout.trim().split('\n').sort(), [
      'workflow-template-inner-dag',
      'workflow-template-inner-steps',
      'workflow-template-print-message',
      'workflow-template-random-fail-template',
      'workflow-template-submittable',
    ]);
    const g = await runCli(['template', 'get', 'nope'], dir);
    assert.equal(g.code, 1);
    assert.match(g.stderr, /workflowtemplates\.argoproj\.io "nope" not found in namespace "argo"/);
  });

  for (const example of [
    'examples__workflow-template__steps.yaml',
    'examples__workflow-template__dag.yaml',
    'examples__workflow-template__workflow-template-ref.yaml',
    'examples__cluster-workflow-template__mixed-cluster-namespaced-wftmpl-steps.yaml',
    'examples__cluster-workflow-template__workflow-template-ref-with-entrypoint-arg-passing.yaml',
  ]) {
    test(`${example} reaches Succeeded`, async () => {
      assert.equal(await submitPhase([join(UP, example)]), 'Succeeded');
    });
  }

  test('submit --from workflowtemplate/ and clusterworkflowtemplate/ runs the template', async () => {
    assert.equal(await submitPhase(['--from', 'workflowtemplate/workflow-template-submittable']), 'Succeeded');
    const r = await runCli(
      ['submit', '--from', 'cwftmpl/cluster-workflow-template-submittable', '-p', 'message=hi', '-o', 'json'],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const wf = JSON.parse(r.stdout) as { metadata: { generateName: string; labels: Record<string, string> } };
    assert.equal(wf.metadata.generateName, 'cluster-workflow-template-submittable-');
    assert.equal(
      wf.metadata.labels['workflows.argoproj.io/cluster-workflow-template'],
      'cluster-workflow-template-submittable',
    );
  });

  test('submit --from a missing template or CronWorkflow exits 1 before creating anything', async () => {
    const r = await runCli(['submit', '--from', 'workflowtemplate/missing'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /workflowtemplates\.argoproj\.io "missing" not found/);
    const c = await runCli(['submit', '--from', 'cronwf/x'], dir);
    assert.equal(c.code, 1);
    assert.match(c.stderr, /cronworkflows\.argoproj\.io "x" not found/);
  });

  test('a file with a WorkflowTemplate and a Workflow applies the template first', async () => {
    const file = writeFile(
      dir,
      'bundle.yaml',
      `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: bundled}
spec:
  templates:
  - name: say
    inputs: {parameters: [{name: m}]}
    container: {image: busybox, command: [echo], args: ["{{inputs.parameters.m}}"]}
---
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: bundled-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: s
        templateRef: {name: bundled, template: say}
        arguments: {parameters: [{name: m, value: hi}]}
`,
    );
    assert.equal(await submitPhase([file]), 'Succeeded');
  });

  test("template delete prints argo's line; lint reports like argo template lint", async () => {
    const d = await runCli(['template', 'delete', 'workflow-template-random-fail-template'], dir);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, "WorkflowTemplate 'workflow-template-random-fail-template' deleted\n");
    const ok = await runCli(['template', 'lint', TEMPLATES], dir);
    assert.equal(ok.code, 0, ok.stdout);
    assert.equal(ok.stdout, '✔ no linting errors found!\n');
    const bad = writeFile(
      dir,
      'bad.yaml',
      'apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: bad}\nspec:\n  templates:\n  - name: a\n    steps: [[{name: x, template: nowhere}]]\n',
    );
    const r = await runCli(['template', 'lint', bad], dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^.*bad\.yaml:\n {3}✖ in "bad" \(WorkflowTemplate\): .*nowhere/m);
    assert.match(r.stdout, /✖ 1 linting errors found!\n$/);
  });

  test('--help lists template commands and no longer as coming; archive is named as not planned', async () => {
    const h = await runCli(['--help'], dir);
    assert.match(h.stdout, /^ {2}template /m);
    assert.match(h.stdout, /^ {2}cluster-template /m);
    const coming = h.stdout.slice(h.stdout.indexOf('Argo commands not available yet:'));
    assert.match(coming, /archive .*not planned/);
    assert.doesNotMatch(coming, /cron|retry|resubmit/);
    assert.doesNotMatch(coming, /template/);
    const r = await runCli(['archive', 'list'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /`archive` .* is not planned/);
  });
});
