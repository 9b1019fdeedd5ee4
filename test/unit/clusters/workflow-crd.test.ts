// A Workflow CRD that would prune clusterName/namespace from templates is detected and named.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { checkWorkflowCrdAtStart, WorkflowCrdError, workflowCrdProblem } from '../../../src/clusters/workflow-crd.ts';

const crd = (spec: unknown) => ({
  spec: {
    versions: [
      { name: 'v1alpha1', storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } },
    ],
  },
});

describe('Workflow CRD pruning', () => {
  test("the CRD Argosy ships (Argo's minimal one) keeps every field", () => {
    assert.equal(workflowCrdProblem(parse(readFileSync('infra/crds/argoproj.io_workflows.yaml', 'utf8'))), undefined);
  });
  test('a structural CRD whose templates list no clusterName/namespace is refused, naming what to install', () => {
    const full = crd({
      type: 'object',
      properties: { templates: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } },
    });
    assert.match(
      workflowCrdProblem(full) ?? '',
      /^the Workflow CRD \(workflows.argoproj.io v1alpha1\) prunes spec.templates\[\].clusterName and namespace: .*kubectl apply --server-side -k infra\/crds$/,
    );
  });
  test('templates preserving unknown fields, or listing both fields, are fine', () => {
    const preserving = crd({
      type: 'object',
      properties: {
        templates: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    });
    assert.equal(workflowCrdProblem(preserving), undefined);
    const listing = crd({
      type: 'object',
      properties: {
        templates: {
          type: 'array',
          items: { type: 'object', properties: { clusterName: { type: 'string' }, namespace: { type: 'string' } } },
        },
      },
    });
    assert.equal(workflowCrdProblem(listing), undefined);
  });
});

describe('Workflow CRD check at controller start (the watcher runs it before its watches)', () => {
  const structural = crd({
    type: 'object',
    properties: { templates: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } },
  });
  const client = (answer: () => unknown) => ({ request: async <T>() => answer() as T });
  const warnings: string[] = [];
  const logger = { warn: (m: string) => void warnings.push(m) };
  test('a pruning CRD refuses the start, saying which CRD to install', async () => {
    await assert.rejects(
      checkWorkflowCrdAtStart(
        client(() => structural),
        logger,
      ),
      (e: unknown) => e instanceof WorkflowCrdError && /kubectl apply --server-side -k infra\/crds/.test(e.message),
    );
  });
  test("Argosy's CRD starts quietly; an unreadable CRD is a visible warning, not a refusal", async () => {
    const shipped = parse(readFileSync('infra/crds/argoproj.io_workflows.yaml', 'utf8')) as unknown;
    await checkWorkflowCrdAtStart(
      client(() => shipped),
      logger,
    );
    assert.deepEqual(warnings, []);
    await checkWorkflowCrdAtStart(
      client(() => {
        throw new Error('forbidden');
      }),
      logger,
    );
    assert.match(warnings[0] ?? '', /cannot read the Workflow CRD/);
  });
});
