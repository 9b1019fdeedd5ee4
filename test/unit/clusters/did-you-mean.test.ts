// A clusterName that is not configured names the closest configured cluster, in the node message
// (the placement check's reason) and the CLI (both use ClusterNotConfiguredError's message).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterNotConfiguredError, clusterNotConfiguredMessage } from '../../../src/clusters/errors.ts';
import { closestName } from '../../../src/engine/did-you-mean.ts';

describe('did you mean a configured cluster', () => {
  test('othr → other', () => {
    assert.match(
      clusterNotConfiguredMessage('othr', 'batch', ['main', 'other']),
      /^cluster-namespace "othr.batch" not configured; did you mean other\?: add credentials with/,
    );
    assert.match(new ClusterNotConfiguredError('mian', 'argo', ['main', 'other']).message, /did you mean main\?/);
  });
  test('no hint when the cluster is configured (only the namespace is missing) or nothing is close', () => {
    assert.doesNotMatch(clusterNotConfiguredMessage('other', 'nope', ['main', 'other']), /did you mean/);
    assert.doesNotMatch(clusterNotConfiguredMessage('production', 'x', ['main', 'other']), /did you mean/);
  });
  test('closest name: case-insensitive, within a typo', () => {
    assert.equal(closestName('paralellism', ['parallelism', 'parallel']), 'parallelism');
    assert.equal(closestName('Container', ['container']), 'container');
    assert.equal(closestName('zzzz', ['container']), undefined);
  });
});
