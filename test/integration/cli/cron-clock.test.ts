/**
 * A CronWorkflow on a real one-minute schedule, on the real clock: `argosy dev` (its own cron timer,
 * process runtime, a data directory) and `argosy cron create` of a `* * * * *` CronWorkflow; the
 * first tick's run; Ctrl-C and `argosy dev` again on the same data directory at once, then the next
 * tick's run; Ctrl-C again and `argosy dev` only once the next tick has passed (a missed run), then
 * that tick's run. Exactly one workflow per elapsed minute tick (`every-minute-<unix seconds>`,
 * Argo's labels, annotation and owner reference), none twice, all Succeeded, and `argosy cron
 * get`/`list` show lastScheduledTime and the active runs as argo does.
 *
 * Nothing waits a fixed time for correctness: every step polls with a generous deadline, and the
 * expected runs are computed from when the stack was up or down. A tick that falls while the stack
 * is down is a missed run: Argo (workflow/cron/operator.go shouldOutstandingWorkflowsBeRun) runs the
 * newest missed time on start when it is within startingDeadlineSeconds, here 300 s, so whatever
 * second of the minute the test starts at, each tick up to the end has exactly one run unless two
 * ticks fell in one stop (then only the newer one runs). The file waits on minutes with little CPU:
 * scripts/test.ts runs it beside the other files (CLOCK_BOUND) with its own time limit.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { clientFromKubeconfig } from '../../../src/clusters/kubeconfig.ts';
import type { HttpKubeClient } from '../../../src/adapters/kube/http-client.ts';
import type { DevState } from '../../../src/cli/lib/dev-state.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import type { CronWorkflow } from '../../../src/engine/cron/decide-cron.ts';
import { formatGoDate } from '../../../src/cli/render/time.ts';
import { runCli, scratch, spawnCli, writeFile } from './cli-helpers.ts';

const MINUTE = 60_000;
const DEADLINE_S = 300;
const home = scratch();
const dataDir = join(home, 'data');
const statePath = join(home, '.argosy', 'dev.json');
const WORKFLOWS = '/apis/argoproj.io/v1alpha1/namespaces/argo/workflows';
const CRON = `apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata:
  name: every-minute
spec:
  schedules:
    - "* * * * *"
  startingDeadlineSeconds: ${DEADLINE_S}
  successfulJobsHistoryLimit: 10
  workflowSpec:
    entrypoint: main
    templates:
      - name: main
        container:
          image: busybox
          command: [echo]
          args: ["{{workflow.scheduledTime}}"]
`;

interface Dev {
  child: ChildProcess;
  out: () => string;
  client: HttpKubeClient;
}
let dev: Dev | undefined;

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${dev?.out() ?? ''}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** `argosy dev` on the data directory; resolves once its banner and state file are there. */
async function startDev(): Promise<Dev> {
  mkdirSync(dataDir, { recursive: true });
  const child = spawnCli(['dev', '--clusters', 'main', '--data-dir', dataDir], home);
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const up = async () => {
    if (child.exitCode !== null) throw new Error(`argosy dev exited ${child.exitCode}:\n${text}`);
    return text.includes('Ctrl-C stops it') && existsSync(statePath) ? true : undefined;
  };
  await until(up, 'argosy dev', 120_000);
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as DevState;
  assert.equal(state.pid, child.pid);
  const { client } = await clientFromKubeconfig({ kubeconfig: state.kubeconfigPath, context: state.mainContext });
  return { child, out: () => text, client };
}

/** Ctrl-C, as a user stops it: the stack stops and the state file goes. */
async function stopDev(d: Dev): Promise<void> {
  d.client.close();
  if (d.child.exitCode !== null || d.child.signalCode !== null) return;
  const closed = once(d.child, 'close');
  d.child.kill('SIGINT');
  await closed;
}

after(async () => {
  if (dev && dev.child.exitCode === null && dev.child.signalCode === null) {
    dev.client.close();
    dev.child.kill('SIGKILL');
    await once(dev.child, 'close');
  }
  rmSync(home, { recursive: true, force: true });
});

async function runs(d: Dev): Promise<Workflow[]> {
  const list = await d.client.request<{ items: Workflow[] }>({
    method: 'GET',
    path: WORKFLOWS,
    query: { labelSelector: 'workflows.argoproj.io/cron-workflow=every-minute' },
  });
  return list.items.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

/** Waits until the run of tick `t` exists and has Succeeded. */
async function succeeded(d: Dev, t: number, timeoutMs: number): Promise<Workflow> {
  const name = `every-minute-${t / 1000}`;
  return until(
    async () => (await runs(d)).find((w) => w.metadata.name === name && w.status?.phase === 'Succeeded'),
    `${name} Succeeded`,
    timeoutMs,
  );
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
const nextTick = (t: number) => Math.floor(t / MINUTE) * MINUTE + MINUTE;

/** Argo's runs for the ticks in [first, end]: every tick while up; per stop, only the newest missed one. */
function expectedTicks(first: number, end: number, downs: [number, number][]): number[] {
  const out: number[] = [];
  for (let t = first; t <= end; t += MINUTE) {
    const down = downs.find(([from, to]) => t >= from && t < to);
    if (!down || t + MINUTE >= down[1]) out.push(t);
  }
  return out;
}

const floorTick = (t: number) => Math.floor(t / MINUTE) * MINUTE;

/**
 * Ctrl-C and `argosy dev` again on the same data directory: at once, or (`acrossTick`) once the
 * next tick has passed while it is down. Returns when it was down: [stop asked, up again].
 */
async function restart(acrossTick = false): Promise<[number, number]> {
  const downAt = Date.now();
  await stopDev(dev!);
  assert.equal(existsSync(statePath), false, 'the stopped stack removed its state file');
  if (acrossTick) {
    const tick = nextTick(Date.now());
    await until(async () => (Date.now() > tick ? true : undefined), `the tick ${iso(tick)}`, 2 * MINUTE);
  }
  dev = await startDev();
  return [downAt, Date.now()];
}

describe('CronWorkflow on the real clock, across an `argosy dev` restart', () => {
  test(
    'one workflow per one-minute tick, none twice, all Succeeded; cron get/list show it',
    { timeout: 600_000 },
    async (t) => {
      dev = await startDev();
      const c = await runCli(['cron', 'create', writeFile(home, 'cron.yaml', CRON), '-o', 'json'], home);
      assert.equal(c.code, 0, c.stderr);
      const cron = JSON.parse(c.stdout) as CronWorkflow;
      assert.ok(cron.metadata.uid);
      const first = nextTick(Date.parse(cron.metadata.creationTimestamp ?? ''));

      // The first tick's run (the dev stack's timer evaluates every 10 s), then cron get while it is known.
      const run1 = await succeeded(dev, first, MINUTE + 120_000);
      const g1 = await runCli(['cron', 'get', 'every-minute'], home);
      assert.equal(g1.code, 0, g1.stderr);
      assert.match(g1.stdout, new RegExp(`^LastScheduledTime: {13}${esc(formatGoDate(new Date(first)))} \\(`, 'm'));
      // Argo keeps a run in active until an evaluation sees it finished, then counts it once.
      const status1 = await cronStatus(dev);
      const shown = /^Active Workflows: +(.*)$/m.exec(g1.stdout)?.[1];
      if (shown !== undefined) assert.equal(shown, run1.metadata.name);
      else assert.deepEqual(status1.active ?? [], [], 'get showed no active run');
      if (status1.active?.length)
        assert.deepEqual(
          status1.active.map((a) => [a.kind, a.name, a.uid]),
          [['Workflow', run1.metadata.name, run1.metadata.uid]],
        );
      else assert.equal(status1.succeeded, 1, 'a finished run leaves active counted once');

      // Ctrl-C, and `argosy dev` again on the same data directory at once (normally well before the
      // next tick); then the next tick's run (or, if ticks fell while it was down, the newest of them).
      const downs: [number, number][] = [await restart()];
      let last = await waitPastTicks(dev, Math.max(first + MINUTE, floorTick(downs[0]![1])));

      // Ctrl-C, and `argosy dev` again only once the next tick has passed: a missed run, which Argo
      // starts on the controller's start as it is within startingDeadlineSeconds.
      downs.push(await restart(true));
      last = await waitPastTicks(dev, floorTick(downs[1]![1]));
      t.diagnostic(`first tick ${iso(first)}; down ${downs.map(([a, b]) => `${iso(a)} .. ${iso(b)}`).join(', ')}`);

      // No more ticks: suspend (through the CLI), then every run finishes and leaves active.
      const suspendFrom = Date.now();
      const s = await runCli(['cron', 'suspend', 'every-minute'], home);
      assert.equal(s.stdout, "CronWorkflow 'every-minute' suspended\n", s.stderr);
      const suspendTo = Date.now();
      const all = await until(
        async () => {
          const st = await cronStatus(dev!);
          const rs = await runs(dev!);
          const done = rs.every((w) => w.status?.phase === 'Succeeded') && !st.active?.length;
          return done && st.succeeded === rs.length ? rs : undefined;
        },
        'every run Succeeded and out of active',
        180_000,
      );
      assertOnePerTick(all, expectedTicks(first, last, downs), [suspendFrom, suspendTo], cron);
      t.diagnostic(`runs ${all.map((w) => w.metadata.name).join(', ')}`);
      await assertCliViews(all);
    },
  );
});

async function cronStatus(d: Dev): Promise<NonNullable<CronWorkflow['status']>> {
  const c = await d.client.request<CronWorkflow>({
    method: 'GET',
    path: '/apis/argoproj.io/v1alpha1/namespaces/argo/cronworkflows/every-minute',
  });
  return c.status ?? {};
}

/**
 * Waits for the run of tick `from`, then as long as the next tick is close (it could fall while the
 * suspend is on its way), for that one too; returns the newest tick waited for.
 */
async function waitPastTicks(d: Dev, from: number): Promise<number> {
  let tick = from;
  for (;;) {
    await until(async () => (Date.now() >= tick ? true : undefined), `the tick ${iso(tick)}`, 2 * MINUTE);
    await succeeded(d, tick, 150_000);
    if (nextTick(Date.now()) - Date.now() > 20_000 && nextTick(Date.now()) === tick + MINUTE) return tick;
    tick = Math.max(tick + MINUTE, nextTick(Date.now()) - MINUTE);
  }
}

/** Exactly the expected runs (a tick during the suspend call may have one or not), each as Argo makes it. */
function assertOnePerTick(all: Workflow[], ticks: number[], suspend: [number, number], cron: CronWorkflow): void {
  const names = all.map((w) => w.metadata.name);
  const maybe = ticks.at(-1)! + MINUTE;
  const extra = maybe >= suspend[0] && maybe <= suspend[1] ? [`every-minute-${maybe / 1000}`] : [];
  const want = ticks.map((t) => `every-minute-${t / 1000}`);
  assert.ok(ticks.length >= 2, `at least the first tick and the one after the restart: ${want.join(', ')}`);
  assert.ok(
    JSON.stringify(names) === JSON.stringify(want) || JSON.stringify(names) === JSON.stringify([...want, ...extra]),
    `runs ${names.join(', ')}; expected one per tick: ${want.join(', ')}`,
  );
  for (const w of all) {
    const tick = Number(w.metadata.name!.split('-').at(-1)) * 1000;
    assert.equal(w.metadata.annotations?.['workflows.argoproj.io/scheduled-time'], iso(tick));
    assert.equal(w.metadata.labels?.['workflows.argoproj.io/cron-workflow'], 'every-minute');
    assert.deepEqual(
      w.metadata.ownerReferences?.map((o) => [o.apiVersion, o.kind, o.name, o.uid, o.controller, o.blockOwnerDeletion]),
      [['argoproj.io/v1alpha1', 'CronWorkflow', 'every-minute', cron.metadata.uid, true, true]],
    );
    assert.equal(w.status?.phase, 'Succeeded');
  }
}

/** argo cron get/list: the newest run's time as LastScheduledTime, no active run, suspended. */
async function assertCliViews(all: Workflow[]): Promise<void> {
  const newest = Number(all.at(-1)!.metadata.name!.split('-').at(-1)) * 1000;
  const j = await runCli(['cron', 'get', 'every-minute', '-o', 'json'], home);
  const got = JSON.parse(j.stdout) as CronWorkflow;
  assert.equal(got.status?.lastScheduledTime, iso(newest));
  assert.deepEqual(got.status?.active ?? [], []);
  assert.equal(got.status?.succeeded, all.length);
  const g = await runCli(['cron', 'get', 'every-minute'], home);
  assert.match(g.stdout, new RegExp(`^LastScheduledTime: {13}${esc(formatGoDate(new Date(newest)))} \\(`, 'm'));
  assert.match(g.stdout, /^Suspended: {21}true$/m);
  assert.doesNotMatch(g.stdout, /Active Workflows:/);
  const l = await runCli(['cron', 'list'], home);
  assert.match(l.stdout, /^NAME +AGE +LAST RUN +NEXT RUN +SCHEDULES +TIMEZONE +SUSPENDED\n/);
  assert.match(l.stdout, /^every-minute +\d+[sm] +\d+[sm] +\d+s +\* \* \* \* \* +true$/m);
}
