import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryDelaySeconds } from '../../../../src/adapters/aws/sqs-retry.ts';

test('failed records come back after 1, 2, 4, … seconds, capped', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => retryDelaySeconds(n)),
    [1, 2, 4, 8, 16],
  );
  assert.equal(retryDelaySeconds(20), 60);
  assert.equal(retryDelaySeconds(Number.NaN), 1);
});
