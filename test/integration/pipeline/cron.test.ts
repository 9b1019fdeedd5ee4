/**
 * A CronWorkflow on a one-minute schedule on the local stack, evaluated with a fake clock (no waiting
 * for minutes, nothing depends on timing): exactly one workflow per tick, also when an evaluation is
 * repeated after its status write was lost and across a restart of the stack (same data directory);
 * the runs carry Argo's name, labels, annotation and owner reference, run to the end, and the
 * CronWorkflow's status (active, lastScheduledTime, succeeded) follows them. The evaluator reaches the
 * main cluster as the functions do (infra/k8s RBAC).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import type { CronWorkflow } from '../../../src/engine/cron/decide-cron.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'argosy-cron-'));
let stack: LocalStack | undefined;
let now = new Date();
const CRONS = '/apis/argoproj.io/v1alpha1/namespaces/argo/cronworkflows';

after(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<LocalStack> {
  return startLocalStack({
    clusters: ['main'],
    runtime: 'sim',
    dataDir,
    cronIntervalMs: 0,
    clock: () => now,
  });
}

async function runs(s: LocalStack): Promise<Workflow[]> {
  const list = await s.mainClient.request<{ items: Workflow[] }>({
    method: 'GET',
    path: '/apis/argoproj.io/v1alpha1/namespaces/argo/workflows',
    query: { labelSelector: 'workflows.argoproj.io/cron-workflow=every-minute' },
  });
  return list.items.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

const getCron = (s: LocalStack) =>
  s.mainClient.request<CronWorkflow & { metadata: { resourceVersion: string } }>({
    method: 'GET',
    path: `${CRONS}/every-minute`,
  });

describe('CronWorkflow on the local stack (fake clock)', () => {
  test('one workflow per one-minute tick, whatever is repeated or restarted', async () => {
    stack = await start();
    const created = await stack.mainClient.request<CronWorkflow>({
      method: 'POST',
      path: CRONS,
      body: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'CronWorkflow',
        metadata: { name: 'every-minute', namespace: 'argo' },
        spec: {
          schedules: ['* * * * *'],
          workflowSpec: {
            entrypoint: 'main',
            templates: [
              {
                name: 'main',
                container: { image: 'busybox', command: ['echo'], args: ['{{workflow.scheduledTime}}'] },
              },
            ],
          },
        },
      },
    });
    // The first whole minute after the CronWorkflow exists, and 5 s past it.
    const since = Date.parse(created.metadata.creationTimestamp ?? '');
    const tick = Math.ceil((since + 1000) / 60_000) * 60_000;
    now = new Date(tick - 5000);
    assert.deepEqual((await stack.cronNow()).created, [], 'nothing before the first tick');
    now = new Date(tick + 5000);
    assert.deepEqual((await stack.cronNow()).created, [`every-minute-${tick / 1000}`]);
    assert.deepEqual((await stack.cronNow()).created, [], 'evaluated again: no second run');

    const [run] = await runs(stack);
    assert.ok(run);
    assert.equal(
      run.metadata.annotations?.['workflows.argoproj.io/scheduled-time'],
      new Date(tick).toISOString().replace('.000Z', 'Z'),
    );
    assert.deepEqual(
      run.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]),
      [['CronWorkflow', 'every-minute', created.metadata.uid, true]],
    );
    let cron = await getCron(stack);
    assert.equal(cron.status?.lastScheduledTime, new Date(tick).toISOString().replace('.000Z', 'Z'));
    assert.deepEqual(
      cron.status?.active?.map((a) => a.name),
      [run.metadata.name],
    );

    // A lost status write: the next evaluation decides the same run again and finds it by name.
    await stack.mainClient.request({
      method: 'PATCH',
      path: `${CRONS}/every-minute`,
      body: { status: { lastScheduledTime: null, active: null } },
      contentType: 'application/merge-patch+json',
    });
    await stack.cronNow();
    assert.equal((await runs(stack)).length, 1, 'the name is deterministic: AlreadyExists, not a second run');

    const done = await stack.waitFor('argo', run.metadata.name ?? '', (w) => w.status?.phase === 'Succeeded', 60_000);
    assert.equal(done.status?.phase, 'Succeeded');
    const pods = await stack.mainClient.request<{
      items: { spec: { containers: { name: string; args?: string[] }[] } }[];
    }>({
      method: 'GET',
      path: '/api/v1/namespaces/argo/pods',
      query: { labelSelector: `workflows.argoproj.io/workflow=${run.metadata.name}` },
    });
    const main = pods.items[0]?.spec.containers.find((c) => c.name === 'main');
    assert.deepEqual(
      main?.args?.slice(-1),
      [new Date(tick).toISOString().replace('.000Z', 'Z')],
      '{{workflow.scheduledTime}}',
    );
    await stack.stop();
    stack = await start();
    now = new Date(tick + 30_000);
    await stack.cronNow();
    const afterRestart = await runs(stack);
    assert.equal(afterRestart.length, 1, 'a restart creates nothing for a tick that ran');
    cron = await getCron(stack);
    assert.deepEqual(cron.status?.active, [], 'the finished run left active');
    assert.equal(cron.status?.succeeded, 1);

    now = new Date(tick + 65_000);
    assert.deepEqual((await stack.cronNow()).created, [`every-minute-${tick / 1000 + 60}`]);
    assert.equal((await runs(stack)).length, 2);
  });
});
