/**
 * Argo's cron-* examples (and the CronWorkflows of dag-inline-cronworkflow and cron-backfill) on the
 * local stack, through the real cron evaluator with an injected clock (no waiting for minutes): the
 * CronWorkflow is created as the file has it (its WorkflowTemplates applied first, as Argo's example
 * tests apply them), one scheduled tick produces exactly one workflow named `<cron>-<unix seconds>` with
 * Argo's label, scheduled-time annotation and owner reference, and that workflow reaches Argo's phase
 * (Succeeded); the CronWorkflow's status then names the run. cron-when's `when` reads `now()` (the
 * handler's injected clock) and `lastScheduledTime` (nil before the first run) as Argo does.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startLocalStack, type LocalStack } from '../../src/local/stack.ts';
import { parseWorkflows } from '../../src/engine/parse.ts';
import type { Workflow } from '../../src/engine/types.ts';
import { schedulesOf, type CronWorkflow } from '../../src/engine/cron/decide-cron.ts';
import { nextRun } from '../../src/engine/cron/schedule.ts';

const UP = '../shared/conformance/argo-upstream';
const NS = 'argo';
const API = `/apis/argoproj.io/v1alpha1/namespaces/${NS}`;
let stack: LocalStack;
let now = new Date();

before(async () => {
  stack = await startLocalStack({
    clusters: ['main'],
    runtime: 'sim',
    cronIntervalMs: 0,
    clock: () => now,
    clusterOptions: { simDefaults: { durationMs: 20, exitCode: 0 } },
  });
});
after(async () => stack?.stop());

type Obj = Workflow & { kind?: string };

function objectsOf(file: string): Obj[] {
  const { workflows, errors } = parseWorkflows(readFileSync(`${UP}/${file}`, 'utf8'), file, {
    kinds: ['CronWorkflow', 'WorkflowTemplate', 'Workflow'],
  });
  assert.deepEqual(errors, []);
  return workflows as Obj[];
}

async function create(kind: 'workflowtemplates' | 'cronworkflows', obj: Obj): Promise<Obj> {
  const body = { ...obj, metadata: { ...obj.metadata, namespace: NS } };
  return stack.mainClient.request<Obj>({ method: 'POST', path: `${API}/${kind}`, body });
}

/** The first scheduled instant after `fromMs` of any of the CronWorkflow's schedules (its timezone). */
function firstTick(cron: CronWorkflow, fromMs: number): number {
  const ticks = schedulesOf(cron).map((s) => nextRun(s, fromMs) as number);
  return Math.min(...ticks);
}

/** Creates the file's templates and CronWorkflow, runs one tick, and returns the run once it ended. */
async function oneTick(file: string, templates: string[] = []): Promise<{ cron: CronWorkflow; run: Workflow }> {
  for (const extra of [file, ...templates])
    for (const o of objectsOf(extra).filter((x) => x.kind === 'WorkflowTemplate'))
      await create('workflowtemplates', o).catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 409) throw e;
      });
  const given = objectsOf(file).find((o) => o.kind === 'CronWorkflow') as unknown as CronWorkflow;
  // The clock back at the real time the CronWorkflow is created: its first tick is the first one due.
  now = new Date();
  const cron = (await create('cronworkflows', given as unknown as Obj)) as unknown as CronWorkflow;
  const tick = firstTick(cron, Date.parse(cron.metadata.creationTimestamp ?? ''));
  now = new Date(tick - 5000);
  assert.ok(!(await stack.cronNow()).created.some((n) => n.startsWith(`${cron.metadata.name}-`)), 'nothing early');
  now = new Date(tick + 5000);
  const name = `${cron.metadata.name}-${tick / 1000}`;
  assert.ok((await stack.cronNow()).created.includes(name), `${name} created at its tick`);
  assert.ok(!(await stack.cronNow()).created.includes(name), 'evaluated again: no second run');
  const run = await stack.waitFor(
    NS,
    name,
    (w) => ['Succeeded', 'Failed', 'Error'].includes(w.status?.phase ?? ''),
    90_000,
  );
  assert.equal(run.metadata.labels?.['workflows.argoproj.io/cron-workflow'], cron.metadata.name);
  assert.equal(
    run.metadata.annotations?.['workflows.argoproj.io/scheduled-time'],
    new Date(tick).toISOString().replace('.000Z', 'Z'),
  );
  assert.deepEqual(
    run.metadata.ownerReferences?.map((o) => [o.apiVersion, o.kind, o.name, o.uid, o.controller, o.blockOwnerDeletion]),
    [['argoproj.io/v1alpha1', 'CronWorkflow', cron.metadata.name, cron.metadata.uid, true, true]],
  );
  return { cron, run };
}

async function getCron(name: string): Promise<CronWorkflow> {
  return stack.mainClient.request<CronWorkflow>({ method: 'GET', path: `${API}/cronworkflows/${name}` });
}

/** Stops the CronWorkflow from running again while later cases move the clock on. */
async function remove(name: string): Promise<void> {
  await stack.mainClient.request({ method: 'DELETE', path: `${API}/cronworkflows/${name}` });
}

describe("Argo's cron examples on the local stack (injected clock)", () => {
  test('cron-workflow.yaml: one run per tick in its timezone, Succeeded, status names it', async () => {
    const { cron, run } = await oneTick('examples__cron-workflow.yaml');
    assert.equal(run.status?.phase, 'Succeeded', run.status?.message);
    await stack.cronNow();
    const status = (await getCron(cron.metadata.name ?? '')).status;
    assert.equal(status?.lastScheduledTime, run.metadata.annotations?.['workflows.argoproj.io/scheduled-time']);
    assert.equal(status?.succeeded, 1);
    await remove(cron.metadata.name ?? '');
  });

  test('cron-workflow-multiple-schedules.yaml: the earliest of its schedules ticks, Succeeded', async () => {
    const { cron, run } = await oneTick('examples__cron-workflow-multiple-schedules.yaml');
    assert.equal(run.status?.phase, 'Succeeded', run.status?.message);
    await remove(cron.metadata.name ?? '');
  });

  test("cron-when.yaml: runs at its first tick (lastScheduledTime nil), then only once 360 s have passed (Argo's `when`)", async () => {
    const given = objectsOf('examples__cron-when.yaml')[0] as unknown as CronWorkflow;
    now = new Date();
    const cron = (await create('cronworkflows', given as unknown as Obj)) as unknown as CronWorkflow;
    const name = cron.metadata.name ?? '';
    const first = firstTick(cron, Date.parse(cron.metadata.creationTimestamp ?? ''));
    const created: string[] = [];
    // The handler's clock a few seconds after each minute tick, for seven ticks.
    for (let minute = 0; minute <= 6; minute++) {
      now = new Date(first + minute * 60_000 + 5000);
      created.push(...(await stack.cronNow()).created.filter((n) => n.startsWith(`${name}-`)));
      if (minute === 0) {
        const run = await stack.waitFor(NS, `${name}-${first / 1000}`, (w) => w.status?.phase === 'Succeeded', 90_000);
        assert.equal(run.metadata.labels?.['workflows.argoproj.io/cron-workflow'], name);
      }
    }
    assert.deepEqual(created, [`${name}-${first / 1000}`, `${name}-${(first + 360_000) / 1000}`]);
    const status = (await getCron(name)).status;
    assert.equal(status?.lastScheduledTime, new Date(first + 360_000).toISOString().replace('.000Z', 'Z'));
    assert.equal(
      status?.conditions?.find((c) => c.type === 'SubmissionError'),
      undefined,
    );
    await remove(name);
  });

  test('dag-inline-cronworkflow.yaml: its workflowTemplateRef (dag-inline-workflowtemplate.yaml) runs, Succeeded', async () => {
    const { cron, run } = await oneTick('examples__dag-inline-cronworkflow.yaml', [
      'examples__dag-inline-workflowtemplate.yaml',
    ]);
    assert.equal(run.status?.phase, 'Succeeded', run.status?.message);
    await remove(cron.metadata.name ?? '');
  });

  test("cron-backfill.yaml: the daily CronWorkflow over its WorkflowTemplate 'job' runs at 02:00, Succeeded", async () => {
    const { cron, run } = await oneTick('examples__cron-backfill.yaml');
    assert.equal(run.status?.phase, 'Succeeded', run.status?.message);
    await remove(cron.metadata.name ?? '');
  });
});
