import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resubmitOf } from '../../../ui/server/api-workflows.ts';
import type { Workflow } from '../../../src/engine/types.ts';

describe('the UI resubmit is argosy resubmit', () => {
  test("Argo's labels are kept (instance id, template), completion labels dropped, origin labelled", () => {
    const wf: Workflow = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: {
        name: 'old-abcde',
        generateName: 'old-',
        labels: {
          'workflows.argoproj.io/controller-instanceid': 'i1',
          'workflows.argoproj.io/workflow-template': 't',
          'workflows.argoproj.io/completed': 'true',
          'workflows.argoproj.io/phase': 'Failed',
          team: 'a',
        },
      },
      spec: { entrypoint: 'main', shutdown: 'Stop' },
      status: { phase: 'Failed' },
    };
    const out = resubmitOf(wf);
    assert.deepEqual(out.metadata.labels, {
      'workflows.argoproj.io/controller-instanceid': 'i1',
      'workflows.argoproj.io/workflow-template': 't',
      team: 'a',
      'workflows.argoproj.io/resubmitted-from-workflow': 'old-abcde',
    });
    assert.equal(out.metadata.generateName, 'old-');
    assert.equal(out.spec.shutdown, undefined);
    assert.equal(out.status, undefined);
  });
});
