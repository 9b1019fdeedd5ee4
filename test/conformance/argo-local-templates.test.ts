/**
 * Issue #19's conformance on the local stack (embedded API server, controller, kubelet running real
 * processes): every Workflow of Argo's examples/workflow-template/* and cluster-workflow-template/*
 * (their WorkflowTemplates and ClusterWorkflowTemplates applied first, as Argo's example test applies
 * templates.yaml / clustertemplates.yaml), Argo's retry examples and e2e files, each reaching the phase
 * Argo reaches (../shared/conformance/argo-upstream/manifest.json) with `templateRef` on the nodes a
 * referenced template made; and the database-backed synchronization examples refused by name (Argosy
 * keeps lock state in the cluster: docs/adr). workflow-archive-logs runs in
 * argo-local-artifacts-outputs.test.ts (it needs the artifact repository), input-artifacts is a
 * WorkflowTemplate Argo does not run, the cron-* files run in argo-cron-local.test.ts, the other
 * synchronization-* examples in test/integration/pipeline/synchronization.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../src/local/stack.ts';
import { parseWorkflows } from '../../src/engine/index.ts';
import type { Workflow } from '../../src/engine/types.ts';
import { SHARED } from '../integration/cli/cli-helpers.ts';
import { adminClient } from '../integration/pipeline/helpers.ts';

const DIR = join(SHARED, 'conformance/argo-upstream');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  cases: { file: string; expected: string }[];
};
const expected = (file: string): string => manifest.cases.find((c) => c.file === file)?.expected ?? '?';
const KINDS = ['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate'];
const done = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');

const TEMPLATE_FILES = [
  'examples__workflow-template__templates.yaml',
  'examples__cluster-workflow-template__clustertemplates.yaml',
];
const RUNS = [
  'examples__workflow-template__hello-world.yaml',
  'examples__workflow-template__steps.yaml',
  'examples__workflow-template__dag.yaml',
  'examples__workflow-template__retry-with-steps.yaml',
  'examples__workflow-template__workflow-template-ref.yaml',
  'examples__workflow-template__workflow-template-ref-with-entrypoint-arg-passing.yaml',
  'examples__cluster-workflow-template__cluster-wftmpl-dag.yaml',
  'examples__cluster-workflow-template__mixed-cluster-namespaced-wftmpl-steps.yaml',
  'examples__cluster-workflow-template__workflow-template-ref.yaml',
  'examples__cluster-workflow-template__workflow-template-ref-with-entrypoint-arg-passing.yaml',
  'examples__retry-conditional.yaml', // random exit codes, but always Failed in the end
  'examples__retry-container-to-completion.yaml',
  'examples__retry-with-steps.yaml',
  // Argo's e2e retry-container-to-completion and retry-with-steps are symlinks to these examples.
  // retry-backoff, retry-on-error and e2e retry-script end Failed by chance under Argo too (their random exit
  // codes exhaust the limit with probability 1.2%, 51% and 1.2%): test/integration/cli/retry-examples.test.ts
  // checks each run against every result Argo allows for the draws it made.
];
const DATABASE_BACKED = [
  'examples__synchronization-db-mutex-tmpl-level.yaml',
  'examples__synchronization-db-mutex-wf-level.yaml',
  'examples__synchronization-db-tmpl-level.yaml',
  'examples__synchronization-db-wf-level.yaml',
];

const read = (file: string) =>
  parseWorkflows(readFileSync(join(DIR, file), 'utf8'), file, { kinds: KINDS }).workflows as Workflow[];

let stack: LocalStack;
const results = new Map<string, Promise<Workflow>>();
function run(file: string): Promise<Workflow> {
  let p = results.get(file);
  if (!p) {
    const wf = read(file).find((d) => (d.kind ?? 'Workflow') === 'Workflow');
    assert.ok(wf, `${file} has a Workflow`);
    p = stack.submit(wf, 'argo').then((s) => stack.waitFor('argo', s.metadata.name ?? '', done, 170_000));
    results.set(file, p);
  }
  return p;
}

/** Applies the (Cluster)WorkflowTemplates of the files (the templates bundled with a Workflow too). */
async function applyTemplates(files: string[]): Promise<void> {
  const admin = adminClient(stack, 'main');
  try {
    for (const t of files.flatMap(read).filter((d) => d.kind && d.kind !== 'Workflow')) {
      const cluster = t.kind === 'ClusterWorkflowTemplate';
      const path = `/apis/argoproj.io/v1alpha1/${cluster ? '' : 'namespaces/argo/'}${cluster ? 'clusterworkflowtemplates' : 'workflowtemplates'}`;
      await admin.request({ method: 'POST', path, body: { apiVersion: 'argoproj.io/v1alpha1', ...t } });
    }
  } finally {
    admin.close();
  }
}

describe("Argo's template, retry and database-lock examples on the local stack", () => {
  before(async () => {
    stack = await startLocalStack({ runtime: 'process', clusters: ['main'], resyncIntervalMs: 2000 });
    await applyTemplates([...TEMPLATE_FILES, ...RUNS]);
    for (const file of [...RUNS, ...DATABASE_BACKED]) run(file).catch(() => undefined);
  });
  after(async () => {
    await stack?.stop();
  });

  for (const file of RUNS) {
    test(`${file} → ${expected(file)}`, async () => {
      const wf = await run(file);
      const nodes = Object.values(wf.status?.nodes ?? {});
      const why = nodes.map((n) => `${n.displayName}: ${n.phase} ${n.message ?? ''}`).join('; ');
      assert.equal(wf.status?.phase, expected(file), `${wf.status?.message ?? ''} (${why})`);
      // Nodes a referenced template made carry the reference, as Argo's nodes do.
      const refs = JSON.stringify(wf.spec).includes('"templateRef"');
      if (refs)
        assert.ok(
          nodes.some((n) => n.templateRef?.name),
          `no node carries templateRef: ${why}`,
        );
    });
  }

  for (const file of DATABASE_BACKED) {
    test(`${file}: refused by name (database-backed locks are not supported)`, async () => {
      const wf = await run(file);
      assert.equal(wf.status?.phase, 'Error');
      assert.match(
        wf.status?.message ?? '',
        /synchronization\.(mutexes|semaphores)\[0\]\.database: not supported by Argosy yet/,
      );
    });
  }
});
