import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { failureSummary, tapFailures } from '../../../scripts/tap-failures.ts';

// Shaped as node 22's TAP reporter prints a failing test inside a suite.
const TAP = `# Subtest: a suite
    # Subtest: passes
    ok 1 - passes
      ---
      duration_ms: 1
      type: 'test'
      ...
    # Subtest: fails
    not ok 2 - fails
      ---
      duration_ms: 3738.0
      type: 'test'
      location: '/x/test/a.test.ts:46:32'
      failureType: 'testCodeFailure'
      error: |-
        Expected values to be strictly equal:
        
        'Running' !== 'Succeeded'
      code: 'ERR_ASSERTION'
      expected: 'Succeeded'
      actual: 'Running'
      stack: |-
        TestContext.<anonymous> (/x/test/a.test.ts:50:10)
      ...
    1..2
not ok 1 - a suite
  ---
  duration_ms: 3740
  type: 'suite'
  location: '/x/test/a.test.ts:45:1'
  failureType: 'subtestsFailed'
  error: '1 subtest failed'
  ...
`;

describe('the failing-test summary of a TAP run', () => {
  it('repeats a failing test with its location and error, not the suite that only contains it', () => {
    const found = tapFailures(TAP);
    assert.equal(found.length, 1);
    assert.match(found[0]!, /^# not ok - fails\n/);
    assert.match(found[0]!, /location: '\/x\/test\/a.test.ts:46:32'/);
    assert.match(found[0]!, /'Running' !== 'Succeeded'/);
    assert.match(found[0]!, /actual: 'Running'/);
    assert.doesNotMatch(found[0]!, /a suite|subtest failed/);
  });

  it('says nothing when every test passed, and counts failures over several runs', () => {
    assert.equal(failureSummary([TAP.replace(/not ok 2 - fails[\s\S]*?\n {6}\.\.\.\n/, '')]), '');
    assert.match(failureSummary([TAP, TAP]), /^\n# failing tests \(2\), repeated from above\n/);
  });

  it('cuts a long stack', () => {
    const long = TAP.replace('        TestContext', `${'        at frame\n'.repeat(30)}        TestContext`);
    assert.match(tapFailures(long)[0]!, /… \d+ more lines/);
  });
});
