import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Workflow } from '../../../src/engine/types.ts';
import { artifactLocation, globalOutputs } from '../../../ui/src/model/artifacts.ts';

describe('ui artifacts model', () => {
  test('an artifact is named by its kind and location', () => {
    assert.equal(artifactLocation({ name: 'a', s3: { bucket: 'b', key: 'wf/p/a.tgz' } }), 's3: b/wf/p/a.tgz');
    assert.equal(artifactLocation({ name: 'a', s3: { key: 'k' } }), 's3: k');
    assert.equal(artifactLocation({ name: 'h', http: { url: 'https://x/y' } }), 'http: https://x/y');
    assert.equal(artifactLocation({ name: 'p', path: '/tmp/p' }), '/tmp/p');
  });
  test("the workflow's global outputs: parameters, then artifacts, deleted ones marked", () => {
    const wf: Workflow = {
      metadata: { name: 'wf', namespace: 'argo' },
      spec: { templates: [] },
      status: {
        outputs: {
          parameters: [{ name: 'global-param', value: 'hello' }],
          artifacts: [
            { name: 'global-art', s3: { key: 'wf/wf-1/art.tgz' } },
            { name: 'gone', s3: { key: 'wf/wf-1/gone.tgz' }, deleted: true },
          ],
        },
      },
    };
    assert.deepEqual(globalOutputs(wf), [
      { kind: 'parameter', name: 'global-param', value: 'hello' },
      { kind: 'artifact', name: 'global-art', value: 's3: wf/wf-1/art.tgz', deleted: undefined },
      { kind: 'artifact', name: 'gone', value: 's3: wf/wf-1/gone.tgz', deleted: true },
    ]);
    assert.deepEqual(globalOutputs({ ...wf, status: {} }), []);
  });
});
