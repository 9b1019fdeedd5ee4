import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkQuery, labelSelectorOf } from '../../../src/cli/lib/workflow-query.ts';

// argo's listWorkflows (cmd/argo/commands/list.go) adds an Exists requirement on
// workflows.argoproj.io/resubmitted-from-workflow for --resubmitted; list_test.go's "Resubmitted" case
// expects exactly that selector.
describe('the query sent to the API server', () => {
  test('--resubmitted adds the resubmitted-from-workflow Exists requirement to -l', () => {
    assert.equal(labelSelectorOf({ resubmitted: true }), 'workflows.argoproj.io/resubmitted-from-workflow');
    assert.equal(
      labelSelectorOf({ selector: 'team=data', resubmitted: true }),
      'team=data,workflows.argoproj.io/resubmitted-from-workflow',
    );
    assert.equal(labelSelectorOf({ selector: 'foo' }), 'foo');
    assert.equal(labelSelectorOf({}), '');
  });
  test('--query-chunk-size must be a number, as --chunk-size', () => {
    assert.throws(() => checkQuery({ queryChunkSize: 'ten' }, new Date()), /--query-chunk-size ten: expected a number/);
    assert.doesNotThrow(() => checkQuery({ queryChunkSize: '10' }, new Date()));
  });
});
