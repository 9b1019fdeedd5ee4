import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Nudge } from '../../../src/nudge.ts';
import { SeenVersions, versionAtLeast, versionsOf } from '../../../src/runtime/seen-versions.ts';

const ref = { namespace: 'argo', workflow: 'wf' };
const nudge = (source: Nudge['source'], uid?: string, resourceVersion?: string): Nudge => ({
  v: 1,
  ...ref,
  source,
  ...(uid ? { object: { cluster: 'main', namespace: 'argo', name: 'x', uid, resourceVersion } } : {}),
});

describe('seen versions (nudges the last reconcile already saw)', () => {
  test('resourceVersions compare as the integers they are; anything else only by equality', () => {
    assert.equal(versionAtLeast('10', '9'), true);
    assert.equal(versionAtLeast('10', '10'), true);
    assert.equal(versionAtLeast('9', '10'), false);
    assert.equal(versionAtLeast('123456789012345678901', '99'), true);
    assert.equal(versionAtLeast('abc', 'abc'), true);
    assert.equal(versionAtLeast('b', 'a'), false, 'opaque versions are never "newer"');
    assert.equal(versionAtLeast('10', '1a'), false);
  });

  test('a group is skipped only when every nudge names an object seen at that version or later', () => {
    const seen = new SeenVersions();
    seen.record(
      ref,
      versionsOf([
        { metadata: { uid: 'wf-uid', resourceVersion: '20' } },
        { metadata: { uid: 'pod', resourceVersion: '15' } },
      ]),
    );
    assert.equal(seen.covers(ref, [nudge('pod', 'pod', '12'), nudge('pod', 'pod', '15')]), true);
    assert.equal(seen.covers(ref, [nudge('workflow', 'wf-uid', '20')]), true);
    assert.equal(seen.covers(ref, [nudge('pod', 'pod', '12'), nudge('pod', 'pod', '16')]), false, 'a newer change');
    assert.equal(seen.covers(ref, [nudge('pod', 'other-pod', '1')]), false, 'an object not seen');
    assert.equal(seen.covers(ref, [nudge('pod', 'pod')]), false, 'no version');
    assert.equal(seen.covers(ref, [nudge('pod')]), false, 'no object');
    for (const source of ['timer', 'resync', 'cli', 'lock', 'replay'] as const)
      assert.equal(seen.covers(ref, [nudge(source, 'pod', '1')]), false, `${source} nudges always reconcile`);
    assert.equal(seen.covers({ namespace: 'argo', workflow: 'other' }, [nudge('pod', 'pod', '1')]), false);
    assert.equal(seen.covers(ref, []), false);
  });

  test('a failed reconcile forgets the workflow; the oldest workflow goes first past the bound', () => {
    const seen = new SeenVersions(2);
    const one = new Map([['u', '5']]);
    seen.record(ref, one);
    seen.forget(ref);
    assert.equal(seen.covers(ref, [nudge('pod', 'u', '5')]), false);
    seen.record({ namespace: 'a', workflow: '1' }, one);
    seen.record({ namespace: 'a', workflow: '2' }, one);
    seen.record({ namespace: 'a', workflow: '3' }, one);
    assert.equal(seen.size, 2);
    assert.equal(
      seen.covers({ namespace: 'a', workflow: '1' }, [{ ...nudge('pod', 'u', '5'), workflow: '1', namespace: 'a' }]),
      false,
    );
    assert.equal(
      seen.covers({ namespace: 'a', workflow: '3' }, [{ ...nudge('pod', 'u', '5'), workflow: '3', namespace: 'a' }]),
      true,
    );
  });
});
