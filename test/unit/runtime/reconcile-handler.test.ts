import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { workflowOfGroup } from '../../../src/runtime/reconcile-handler.ts';

describe('reconcile handler', () => {
  test('a group whose records are all poison still names its workflow (group id ns/name)', () => {
    assert.deepEqual(workflowOfGroup('argo/wf-1', []), { namespace: 'argo', workflow: 'wf-1' });
    assert.equal(workflowOfGroup('nonsense', []), undefined);
  });
});
