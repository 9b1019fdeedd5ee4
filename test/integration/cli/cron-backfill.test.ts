/**
 * `argosy cron backfill` on the local stack (real API server, controller and kubelet running the
 * pods), as Argo v4.1's TestCronWorkflowsBackfillCommands (test/e2e/cli_test.go) drives `argo cron
 * backfill`: the WorkflowTemplate `job` of test/e2e/cron/cron-backfill-template.yaml and the daily
 * CronWorkflow `daily-job`; a window without a 2am tick creates nothing; three days with `--argname
 * date --parallel true` create a monitor workflow that creates one `job` run per tick, each with the
 * tick as its `date` argument, and ends Succeeded when they have. Then without `--parallel` and with
 * `--maxworkflowcount 2`: two monitors, runs serialised by the backfill's mutex at top priority — and,
 * as in argo, the same ticks run again (a backfill does not look for earlier runs).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import { workflowIdentities } from '../../../src/local/workflow-rbac.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { adminClient, isDone } from '../pipeline/helpers.ts';
import { runCli, scratch, writeFile } from './cli-helpers.ts';

const NS = 'argo';
const TEMPLATE = `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: job
  labels:
    workflows.argoproj.io/test: "true"
spec:
  entrypoint: main
  workflowMetadata:
    labels:
      workflows.argoproj.io/test: "true"
  arguments:
    parameters:
      - name: date
        value: yesterday
  templates:
    - name: main
      metadata:
        labels:
          workflows.argoproj.io/test: "true"
      inputs:
        parameters:
          - name: date
      script:
        imagePullPolicy: IfNotPresent
        image: busybox
        command:
          - sh
        source: |
          date="{{inputs.parameters.date}}"
          if [ $date = yesterday ]; then
            date=$(date -d yesterday +%Y-%m-%d)
          fi
          echo "run for $date"
`;
const CRON = `apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata:
  name: daily-job
spec:
  schedules:
    - "0 2 * * *"
  workflowSpec:
    workflowTemplateRef:
      name: job
`;
const TICKS = ['2024-10-22 02:00:00 +0000 GMT', '2024-10-23 02:00:00 +0000 GMT', '2024-10-24 02:00:00 +0000 GMT'];
const START = 'Wed, 21 Oct 2024 15:28:00 GMT';

describe('argosy cron backfill on the local stack', () => {
  let stack: LocalStack;
  let home: string;
  const cli = (args: string[]) => runCli(['--kubeconfig', stack.kubeconfigPath, '-n', NS, ...args], home, 240_000);
  const list = async (selector: string): Promise<Workflow[]> => {
    const admin = adminClient(stack, 'main');
    try {
      const r = await admin.request<{ items: Workflow[] }>({
        method: 'GET',
        path: `/apis/argoproj.io/v1alpha1/namespaces/${NS}/workflows`,
        query: { labelSelector: selector },
      });
      return r.items;
    } finally {
      admin.close();
    }
  };
  const monitorsDone = async (names: string[]): Promise<Workflow[]> =>
    Promise.all(names.map((n) => stack.waitFor(NS, n, isDone, 170_000)));

  before(async () => {
    home = scratch();
    stack = await startLocalStack({ runtime: 'process', clusters: ['main'], resyncIntervalMs: 5000 });
    // The monitor runs as `default`, which must be able to create and watch Workflows (argo's docs:
    // "the backfill must use a service account which can create workflows").
    const rules = workflowIdentities(NS).find(([user]) => user.endsWith(':default'))?.[1] ?? [];
    stack.clusters.get('main').createIdentity(`system:serviceaccount:${NS}:default`, [
      ...rules,
      { verbs: ['create', 'get', 'list', 'watch'], resources: ['workflows.argoproj.io'], namespaces: [NS] },
      // The runs' owner reference blocks the CronWorkflow's deletion, which the API server allows only
      // to who may set its finalizers (OwnerReferencesPermissionEnforcement), as in a real cluster.
      { verbs: ['update'], resources: ['cronworkflows.argoproj.io/finalizers'], namespaces: [NS] },
    ]);
    assert.equal((await cli(['template', 'create', writeFile(home, 'job.yaml', TEMPLATE)])).code, 0);
    const c = await cli(['cron', 'create', writeFile(home, 'daily-job.yaml', CRON)]);
    assert.match(c.stdout, /^Schedules: {21}0 2 \* \* \*$/m, c.stderr);
  });
  after(async () => {
    await stack?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test('a window without a tick creates nothing; three days run three jobs with the tick as `date`', async () => {
    const none = await cli([
      'cron',
      'backfill',
      'daily-job',
      '--start',
      START,
      '--end',
      'Wed, 21 Oct 2024 16:28:00 GMT',
      '--argname',
      'date',
    ]);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, 'There is no suitable scheduling time.');
    assert.deepEqual(await list('workflows.argoproj.io/backfill'), []);

    const end = 'Sat, 24 Oct 2024 15:28:00 GMT';
    const r = await cli([
      'cron',
      'backfill',
      'daily-job',
      '--start',
      START,
      '--end',
      end,
      '--argname',
      'date',
      '--parallel',
      'true',
      '--name',
      'First',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const monitors = [...r.stdout.matchAll(/^1\. argo \t (backfill-wf-\w+) $/gm)].map((m) => m[1]!);
    assert.equal(monitors.length, 1, r.stdout);
    assert.equal(
      r.stdout,
      [
        'Created First Backfill task for Cronworkflow daily-job ',
        '==================================================',
        'Backfill Period :',
        `Start Time : ${START} `,
        `  End Time : ${end} `,
        'Total Backfill Schedule: 3 ',
        '==================================================',
        'Backfill Workflows: ',
        '   NAMESPACE\t WORKFLOW: ',
        `1. argo \t ${monitors[0]} `,
        '',
      ].join('\n'),
    );
    const [monitor] = await monitorsDone(monitors);
    assert.equal(monitor!.status?.phase, 'Succeeded', JSON.stringify(monitor!.status?.nodes));
    assert.deepEqual(monitor!.metadata.labels?.['workflows.argoproj.io/backfill'], 'daily-job');
    // argo watch @latest shows each tick in the monitor's node names.
    const names = Object.values(monitor!.status?.nodes ?? {}).map((n) => n.displayName ?? '');
    for (const [i, tick] of TICKS.entries())
      assert.ok(names.includes(`create-workflow(${i}:${tick})`), names.join(', '));

    const runs = (await list('workflows.argoproj.io/cron-workflow=daily-job')).filter((w) =>
      w.metadata.name?.startsWith('daily-job-backfill-first-'),
    );
    assert.equal(runs.length, 3);
    const cron = (await cli(['cron', 'get', 'daily-job', '-o', 'json'])).stdout;
    const uid = (JSON.parse(cron) as { metadata: { uid: string } }).metadata.uid;
    const dates = runs.map((w) => w.spec.arguments?.parameters?.find((p) => p.name === 'date')?.value).sort();
    assert.deepEqual(dates, TICKS);
    for (const w of runs) {
      assert.equal(w.status?.phase, 'Succeeded');
      assert.equal(w.metadata.generateName, 'daily-job-backfill-first-');
      assert.equal(w.metadata.labels?.['workflows.argoproj.io/cron-workflow'], 'daily-job');
      assert.match(
        w.metadata.annotations?.['workflows.argoproj.io/scheduled-time'] ?? '',
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
      assert.deepEqual(
        w.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]),
        [['CronWorkflow', 'daily-job', uid, true]],
      );
      assert.equal(w.spec.synchronization, undefined);
      const logs = await cli(['logs', w.metadata.name!]);
      const date = w.spec.arguments?.parameters?.find((p) => p.name === 'date')?.value;
      // The job's unquoted `[ $date = yesterday ]` sees several words (sh complains), as under argo.
      assert.ok(logs.stdout.includes(`run for ${date}\n`), logs.stdout + logs.stderr);
    }
  });

  test('not parallel: each run holds the backfill mutex at top priority; --maxworkflowcount splits the monitors; the same ticks run again', async () => {
    const end = 'Sat, 24 Oct 2024 15:28:00 GMT';
    const r = await cli([
      'cron',
      'backfill',
      'daily-job',
      '--start',
      START,
      '--end',
      end,
      '--argname',
      'date',
      '--maxworkflowcount',
      '2',
      '--name',
      'serial',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const monitors = [...r.stdout.matchAll(/^\d\. argo \t (backfill-wf-\w+) $/gm)].map((m) => m[1]!);
    assert.equal(monitors.length, 2, r.stdout);
    for (const m of await monitorsDone(monitors)) assert.equal(m.status?.phase, 'Succeeded');
    const runs = (await list('workflows.argoproj.io/cron-workflow=daily-job')).filter((w) =>
      w.metadata.name?.startsWith('daily-job-backfill-serial-'),
    );
    assert.equal(runs.length, 3);
    for (const w of runs) {
      assert.equal(w.spec.priority, 2147483647);
      assert.deepEqual(w.spec.synchronization, { mutexes: [{ name: 'serial' }] });
    }
    // One at a time: no two runs overlapped. The times have whole seconds, so a run that started and
    // finished within the second its successor started in ties with it on start: order by finish too.
    const spans = runs
      .map((w) => [Date.parse(w.status!.startedAt!), Date.parse(w.status!.finishedAt!)] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0] >= spans[i - 1]![1], JSON.stringify(spans));
    // Argo's backfill makes no attempt to skip ticks run before: six runs for three ticks now.
    assert.equal(
      (await list('workflows.argoproj.io/cron-workflow=daily-job')).filter((w) =>
        w.metadata.name?.includes('-backfill-'),
      ).length,
      6,
    );
  });
});
