/**
 * The last of Argo's retry/resubmit e2e cases (test/e2e/cli_test.go) as a user runs them against
 * `argosy dev` (the local kubelet running the pods, the real handlers, the real CLI):
 * TestWorkflowRetryWithRecreatedPVC (its testdata workflow as is, plus the same shape reading the claim to
 * show what the retried step finds there), TestWorkflowResubmitByFieldSelector (with
 * TestWorkflowResubmitByLabelSelector's command) and TestWorkflowDeleteResubmitted (which starts with
 * TestWorkflowResubmit's `resubmit --memoized @latest`). Argo's fixtures label every workflow they submit
 * `workflows.argoproj.io/test: "true"`; the workflows here carry that label themselves.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientFromKubeconfig } from '../../../src/clusters/kubeconfig.ts';
import { claimsPath, getWorkflow, listAll, workflowsPath } from '../../../src/adapters/kube/resources.ts';
import { isNotFound } from '../../../src/adapters/kube/errors.ts';
import type { DevState } from '../../../src/cli/lib/dev-state.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { runCli, scratch, startDev, writeFile, type DevStack } from './cli-helpers.ts';

const dir = scratch();
let dev: DevStack;
let state: DevState;
before(async () => {
  dev = await startDev(dir, 'main');
  state = JSON.parse(readFileSync(join(dir, '.argosy', 'dev.json'), 'utf8')) as DevState;
});
after(async () => dev.stop());

async function withClient<T>(f: (c: Awaited<ReturnType<typeof clientFromKubeconfig>>['client']) => Promise<T>) {
  const { client } = await clientFromKubeconfig({ kubeconfig: state.kubeconfigPath, context: state.mainContext });
  try {
    return await f(client);
  } finally {
    client.close();
  }
}

const workflow = (name: string) => withClient((c) => getWorkflow<Workflow>(c, 'argo', name));
const workflows = () => withClient((c) => listAll<Workflow>(c, workflowsPath('argo'), '')).then((l) => l.items);
const claimNames = () =>
  withClient((c) => listAll<{ metadata: { name?: string } }>(c, claimsPath('argo'), '')).then((l) =>
    l.items.map((x) => x.metadata.name),
  );

/** Polls until `ok` (the machine is loaded: generous, never a timing assertion). */
async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await get();
    if (ok(v)) return v;
    if (i > 1200) throw new Error(`${what}: not reached: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const completed = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');
const byDisplay = (wf: Workflow, d: string): NodeStatus | undefined =>
  Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === d);

/** Argo's printWorkflow fields, which its resubmit cases look for. */
function assertPrinted(stdout: string): void {
  for (const field of ['Name:', 'Namespace:', 'ServiceAccount:', 'Status:', 'Created:'])
    assert.match(stdout, new RegExp(`^${field}`, 'm'), stdout);
}

/** Argo's test/e2e/testdata/retry-with-recreated-pvc-test.yaml, with `print`'s command as given. */
const recreatedPvc = (name: string, print: string) => `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: ${name}
  labels: {workflows.argoproj.io/test: "true"}
spec:
  volumeClaimGC:
    strategy: OnWorkflowCompletion
  entrypoint: volumes-pvc-example
  volumeClaimTemplates:
    - metadata:
        name: workdir
      spec:
        accessModes: [ "ReadWriteOnce" ]
        resources:
          requests:
            storage: 1Gi
  templates:
    - name: volumes-pvc-example
      steps:
        - - name: generate
            template: whalesay
        - - name: print
            template: print-message
    - name: whalesay
      container:
        image: argoproj/argosay:v2
        command: [sh, -c]
        args: ["echo generating message in volume; cowsay hello world | tee /mnt/vol/hello_world.txt"]
        volumeMounts:
          - name: workdir
            mountPath: /mnt/vol
    - name: print-message
      container:
        image: argoproj/argosay:v2
        command: [sh, -c]
        args: [${JSON.stringify(print)}]
        volumeMounts:
          - name: workdir
            mountPath: /mnt/vol
`;

/** Submits, waits for Failed and for volumeClaimGC to delete the claim; retries; waits for Failed again. */
async function failRetryFail(name: string, print: string): Promise<[Workflow, Workflow]> {
  const sub = await runCli(['submit', writeFile(dir, `${name}.yaml`, recreatedPvc(name, print)), '--wait'], dir);
  assert.match(sub.stdout, new RegExp(`^${name} Failed at `, 'm'), sub.stderr + dev.output());
  const first = await workflow(name);
  await until(`${name}-workdir deleted`, claimNames, (names) => !names.includes(`${name}-workdir`));
  const r = await runCli(['retry', name], dir);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^Name: +\S+$/m);
  assert.match(r.stdout, /^Namespace: +argo$/m);
  const second = await until(
    name,
    () => workflow(name),
    (wf) => completed(wf) && !!byDisplay(wf, 'print')?.finishedAt,
  );
  assert.equal(second.status?.phase, 'Failed');
  return [first, second];
}

describe("Argo's TestWorkflowRetryWithRecreatedPVC on argosy dev", () => {
  test('the claim deleted at completion is created again for the retried step, which fails with its own message', async () => {
    const [first, second] = await failRetryFail('retry-with-recreated-pvc', 'exit 1');
    const print = byDisplay(second, 'print');
    assert.equal(print?.phase, 'Failed');
    // Not "persistentvolumeclaim ... not found": the retry made the claim again before the pod.
    assert.equal(print?.message, 'main: Error (exit code 1)');
    assert.equal(byDisplay(second, 'generate')?.phase, 'Succeeded');
    assert.equal(byDisplay(second, 'generate')?.finishedAt, byDisplay(first, 'generate')?.finishedAt, 'not rerun');
    assert.notEqual(print?.startedAt, byDisplay(first, 'print')?.startedAt, 'print ran again');
    await until('claim collected again', claimNames, (names) => !names.includes('retry-with-recreated-pvc-workdir'));
  });

  test("the recreated claim is a new, empty one: what 'generate' wrote went with the deleted claim", async () => {
    const name = 'retry-pvc-data';
    const look = 'if [ -s /mnt/vol/hello_world.txt ]; then echo found it; else echo no file; fi; exit 1';
    const sub = await runCli(['submit', writeFile(dir, `${name}.yaml`, recreatedPvc(name, look)), '--wait'], dir);
    assert.match(sub.stdout, new RegExp(`^${name} Failed at `, 'm'), sub.stderr);
    const before = await runCli(['logs', name], dir);
    assert.match(before.stdout, /found it/, before.stdout + before.stderr);
    await until(`${name}-workdir deleted`, claimNames, (names) => !names.includes(`${name}-workdir`));
    assert.equal((await runCli(['retry', name], dir)).code, 0);
    await until(
      name,
      () => workflow(name),
      (wf) => completed(wf) && !!byDisplay(wf, 'print')?.finishedAt,
    );
    const afterLogs = await runCli(['logs', name], dir);
    assert.match(afterLogs.stdout, /no file/, afterLogs.stdout + afterLogs.stderr);
    assert.doesNotMatch(afterLogs.stdout, /found it/, 'the first print pod was deleted by the retry');
  });
});

const EXIT_1 = (name: string) => `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: ${name}
  labels: {workflows.argoproj.io/test: "true", case: ${name}}
spec:
  entrypoint: exit
  templates:
    - name: exit
      container:
        image: argoproj/argosay:v2
        args: [exit, "1"]
`;

const copiesOf = (all: Workflow[], name: string) =>
  all.filter((w) => w.metadata.labels?.['workflows.argoproj.io/resubmitted-from-workflow'] === name);

describe("Argo's resubmit e2e cases on argosy dev", () => {
  test('TestWorkflowResubmitByFieldSelector (and ByLabelSelector): the selectors choose what is resubmitted', async () => {
    for (const name of ['exit-1-a', 'exit-1-b']) {
      const sub = await runCli(['submit', writeFile(dir, `${name}.yaml`, EXIT_1(name)), '--wait'], dir);
      assert.match(sub.stdout, new RegExp(`^${name} Failed at `, 'm'), sub.stderr);
    }
    // TestWorkflowResubmitByLabelSelector's command, with a label only exit-1-b has.
    const byLabel = await runCli(['resubmit', '--selector', 'case=exit-1-b'], dir);
    assert.equal(byLabel.code, 0, byLabel.stderr);
    assertPrinted(byLabel.stdout);
    const one = await runCli(['resubmit', '--field-selector', 'metadata.name=exit-1-a'], dir);
    assert.equal(one.code, 0, one.stderr);
    assertPrinted(one.stdout);
    let all = await workflows();
    assert.equal(copiesOf(all, 'exit-1-a').length, 1);
    assert.equal(copiesOf(all, 'exit-1-b').length, 1, 'exit-1-b chosen by its label only');
    const before = all.map((w) => w.metadata.name!);
    // Argo's own command: every workflow of the namespace, each resubmitted once, each printed.
    const ns = await runCli(['resubmit', '--field-selector', 'metadata.namespace=argo'], dir);
    assert.equal(ns.code, 0, ns.stderr);
    assertPrinted(ns.stdout);
    assert.equal(ns.stdout.match(/^Name:/gm)?.length, before.length, ns.stdout);
    all = await workflows();
    for (const name of before)
      assert.equal(copiesOf(all, name).length, ['exit-1-a', 'exit-1-b'].includes(name) ? 2 : 1, name);
    const none = await runCli(['resubmit', '--field-selector', 'metadata.namespace=nowhere'], dir);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, '');
    for (const w of all) await until(w.metadata.name!, () => workflow(w.metadata.name!), completed);
  });

  test('TestWorkflowResubmit + TestWorkflowDeleteResubmitted: resubmitted again, deleted by --resubmitted', async () => {
    const name = 'exit-1-del';
    const sub = await runCli(['submit', writeFile(dir, `${name}.yaml`, EXIT_1(name)), '--wait'], dir);
    assert.match(sub.stdout, new RegExp(`^${name} Failed at `, 'm'), sub.stderr);
    const r = await runCli(['resubmit', '--memoized', '@latest'], dir);
    assert.equal(r.code, 0, r.stderr);
    assertPrinted(r.stdout);
    const copy = /^Name: +(\S+)$/m.exec(r.stdout)?.[1] ?? '';
    assert.match(copy, /^exit-1-del-[a-z0-9]{5}$/);
    const failed = await until(copy, () => workflow(copy), completed);
    assert.equal(failed.status?.phase, 'Failed');
    // Argo keeps a memoized node's displayName (the old workflow's name); its name is the copy's.
    const root = Object.values(failed.status?.nodes ?? {}).find((n) => n.name === copy);
    assert.equal(root?.displayName, name);
    assert.equal(root?.message, 'main: Error (exit code 1)', 'the failed node ran again');
    // The copy is itself resubmittable (Failed, so --memoized too); its copy names it as the previous run.
    const again = await runCli(['resubmit', '--memoized', copy, '-o', 'name'], dir);
    assert.equal(again.code, 0, again.stderr);
    const copy2 = again.stdout.trim();
    assert.equal((await workflow(copy2)).metadata.labels?.['workflows.argoproj.io/resubmitted-from-workflow'], copy);
    await until(copy2, () => workflow(copy2), completed);
    const d = await runCli(['delete', '--resubmitted', '-l', 'workflows.argoproj.io/test'], dir);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, new RegExp(`^Workflow '${copy}' deleted$`, 'm'));
    assert.match(d.stdout, new RegExp(`^Workflow '${copy2}' deleted$`, 'm'));
    assert.doesNotMatch(d.stdout, new RegExp(`'${name}'`), 'the original was not resubmitted');
    for (const gone of [copy, copy2])
      await until(
        `${gone} gone`,
        () =>
          workflow(gone).then(
            () => false,
            (e) => isNotFound(e),
          ),
        (x) => x,
      );
    assert.equal((await workflow(name)).status?.phase, 'Failed', 'the original stays');
  });
});
