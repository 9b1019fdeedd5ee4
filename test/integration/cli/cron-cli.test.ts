/**
 * CronWorkflows through the CLI on `argosy dev` (argo cron's output, submit --from cronwf), and
 * `argosy run --apply` with its own stack; split from templates.test.ts for the per-file time limit.
 * There: WorkflowTemplates and ClusterWorkflowTemplates end to end on `argosy dev`: `argosy template` /
 * `cluster-template` create, list, get, delete and lint with argo's output; Argo's workflow-template
 * and cluster-workflow-template examples submitted against them (the controller loads the templates
 * through the RBAC infra/ installs) reach Argo's phase; `submit --from` builds Argo's workflow;
 * multi-document files apply their templates first; commands not implemented yet are refused by name.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { runCli, scratch, SHARED, spawnCli, writeFile } from './cli-helpers.ts';

const dir = scratch();
const statePath = join(dir, '.argosy', 'dev.json');
const UP = join(SHARED, 'conformance/argo-upstream');
const TEMPLATES = join(UP, 'examples__workflow-template__templates.yaml');
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

describe('argosy cron, and run --apply', () => {
  test("argosy cron create/list/get/suspend/resume/lint/delete with argo's output; submit --from cronwf runs it", async () => {
    const file = join(UP, 'examples__cron-workflow.yaml');
    const c = await runCli(['cron', 'create', file], dir);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /^Name: {26}hello-world\nNamespace: {21}argo\n/);
    assert.match(c.stdout, /^Schedules: {21}\* \* \* \* \*$/m);
    assert.match(c.stdout, /^ConcurrencyPolicy: {13}Replace$/m);
    assert.match(c.stdout, /^NextScheduledTime: /m);
    const l = await runCli(['cron', 'list'], dir);
    assert.match(
      l.stdout,
      /^NAME +AGE +LAST RUN +NEXT RUN +SCHEDULES +TIMEZONE +SUSPENDED\nhello-world +\S+ +N\/A +\S+ +\* \* \* \* \* +America\/Los_Angeles +false$/m,
    );
    const s = await runCli(['cron', 'suspend', 'hello-world'], dir);
    assert.equal(s.stdout, "CronWorkflow 'hello-world' suspended\n");
    assert.match((await runCli(['cron', 'get', 'hello-world'], dir)).stdout, /^Suspended: {21}true$/m);
    assert.equal((await runCli(['cron', 'resume', 'hello-world'], dir)).stdout, "CronWorkflow 'hello-world' resumed\n");
    assert.equal((await runCli(['cron', 'lint', file], dir)).stdout, '✔ no linting errors found!\n');
    // argo cron update: the file's CronWorkflow replaces the stored one (flags change its workflowSpec).
    const changed = writeFile(
      dir,
      'cron-changed.yaml',
      readFileSync(file, 'utf8').replace('"* * * * *"', '"*/5 * * * *"').replace('"Replace"', '"Forbid"'),
    );
    const u = await runCli(['cron', 'update', changed, '--serviceaccount', 'robot', '-o', 'json'], dir);
    assert.equal(u.code, 0, u.stderr);
    const updated = JSON.parse(u.stdout) as {
      spec: Record<string, unknown> & { workflowSpec: Record<string, unknown> };
    };
    assert.deepEqual(updated.spec.schedules, ['*/5 * * * *']);
    assert.equal(updated.spec.concurrencyPolicy, 'Forbid');
    assert.equal(updated.spec.workflowSpec.serviceAccountName, 'robot');
    assert.match((await runCli(['cron', 'get', 'hello-world'], dir)).stdout, /^ConcurrencyPolicy: {13}Forbid$/m);
    const missing = writeFile(
      dir,
      'cron-missing.yaml',
      readFileSync(changed, 'utf8').replace('name: hello-world', 'name: nowhere'),
    );
    const m = await runCli(['cron', 'update', missing], dir);
    assert.equal(m.code, 1);
    assert.match(m.stderr, /failed to get existing cron workflow "nowhere" to update: /);
    const back = await runCli(['cron', 'update', file], dir);
    assert.equal(back.code, 0, `back to the original: ${back.stderr}`);
    const bad = writeFile(
      dir,
      'bad-cron.yaml',
      'apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: {name: b}\nspec:\n  schedules: ["61 * * * *"]\n  workflowSpec: {entrypoint: m, templates: [{name: m, container: {image: busybox}}]}\n',
    );
    const bl = await runCli(['cron', 'lint', bad], dir);
    assert.equal(bl.code, 1);
    assert.match(
      bl.stdout,
      /✖ in "b" \(CronWorkflow\): cron schedule 61 \* \* \* \* is malformed: .*beyond end of range/,
    );
    assert.equal(await submitPhase(['--from', 'cronwf/hello-world']), 'Succeeded');
    const d = await runCli(['cron', 'delete', 'hello-world'], dir);
    assert.equal(d.code, 0, d.stderr);
    assert.equal((await runCli(['cron', 'get', 'hello-world'], dir)).code, 1);
  });

  test('run --apply preloads the templates an example references (its own stack)', async () => {
    const r = await runCli(
      [
        'run',
        '--runtime',
        'sim',
        '--apply',
        TEMPLATES,
        '-o',
        'json',
        join(UP, 'examples__workflow-template__dag.yaml'),
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /workflowtemplate\.argoproj\.io\/workflow-template-inner-dag created/);
    const wf = JSON.parse(r.stdout) as { status: { phase: string } };
    assert.equal(wf.status.phase, 'Succeeded');
  });
});
