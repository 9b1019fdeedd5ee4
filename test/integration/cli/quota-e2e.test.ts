/**
 * Argo's TestPendingRetryWorkflow and TestPendingRetryWorkflowWithRetryStrategy (test/e2e/functional_test.go)
 * on `argosy dev` through the real CLI: with a ResourceQuota of `limits.memory: 130M` (Argo's MemoryQuota
 * fixture) every pod of the workflow is refused `exceeded quota`, since main asks 128M and the executor's
 * containers have Argo's e2e limits (256Mi). Argo's controller takes that as transient: the nodes stay
 * Pending (never Error) and, once the quota is deleted, run to Succeeded.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { kubectl } from '../apiserver/helpers.ts';
import { runCli, writeFile } from './cli-helpers.ts';
import { devForFile } from './dev-workflows.ts';

/** Argo's e2e controller ConfigMap `executor.resources` (test/e2e/manifests/components/base). */
const EXECUTOR = { requests: { cpu: '0.1', memory: '64Mi' }, limits: { cpu: '0.5', memory: '256Mi' } };

const dev = devForFile({ ARGOSY_EXECUTOR_RESOURCES: JSON.stringify(EXECUTOR) });
const { dir, workflow, until } = dev;
const k = (args: string[]) => kubectl(dev.state().kubeconfigPath, dev.state().mainContext, args);

const byDisplay = (wf: Workflow, d: string): NodeStatus | undefined =>
  Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === d);

const pendingRetry = (name: string, retry: string) => `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: ${name}
spec:
  entrypoint: dag
  templates:
  - name: cowsay${retry}
    container:
      image: argoproj/argosay:v2
      args: ["echo", "a"]
      resources:
        limits:
          memory: 128M
  - name: dag
    dag:
      tasks:
      - name: a
        template: cowsay
      - name: b
        template: cowsay
`;

async function pendingThenSucceeded(name: string, retry: string, a: string, b: string): Promise<void> {
  await k(['delete', 'quota', 'memory-quota', '-n', 'argo', '--ignore-not-found']);
  const created = await k(['create', 'quota', 'memory-quota', '--hard=limits.memory=130M', '-n', 'argo']);
  assert.equal(created.code, 0, created.stderr);
  const file = writeFile(dir, `${name}.yaml`, pendingRetry(name, retry));
  const submitted = await runCli(['submit', file], dir);
  assert.equal(submitted.code, 0, submitted.stderr);
  const pending = await until(name, (wf) =>
    [a, b].every(
      (d) => byDisplay(wf, d)?.phase === 'Pending' && /exceeded quota/.test(byDisplay(wf, d)?.message ?? ''),
    ),
  );
  for (const d of [a, b]) {
    const message = byDisplay(pending, d)?.message ?? '';
    assert.match(
      message,
      /forbidden: exceeded quota: memory-quota, requested: limits\.memory=\S+, used: limits\.memory=0, limited: limits\.memory=130M/,
    );
  }
  assert.equal(pending.status?.phase, 'Running');
  const deleted = await k(['delete', 'quota', 'memory-quota', '-n', 'argo']);
  assert.equal(deleted.code, 0, deleted.stderr);
  const done = await until(name, (wf) => [a, b].every((d) => byDisplay(wf, d)?.phase === 'Succeeded'));
  await until(name, (wf) => wf.status?.phase === 'Succeeded');
  assert.ok(!Object.values(done.status?.nodes ?? {}).some((n) => n.phase === 'Error' || n.phase === 'Failed'));
}

describe('pods refused by a ResourceQuota wait Pending (Argo: exceeded quota is transient)', () => {
  test('TestPendingRetryWorkflow: a and b Pending under the quota, Succeeded once it is deleted', async () => {
    await pendingThenSucceeded('pending-retry-workflow', '', 'a', 'b');
  });
  test('TestPendingRetryWorkflowWithRetryStrategy: the first attempts a(0) and b(0) wait, not retried', async () => {
    await pendingThenSucceeded(
      'pending-retry-workflow-with-retry-strategy',
      '\n    retryStrategy:\n      limit: 1',
      'a(0)',
      'b(0)',
    );
    const wf = await workflow('pending-retry-workflow-with-retry-strategy');
    assert.equal(byDisplay(wf, 'a(1)'), undefined);
    assert.equal(byDisplay(wf, 'b(1)'), undefined);
  });
});
