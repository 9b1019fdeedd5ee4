// Resolving the artifact repository as Argo's artifactrepositories.Resolve does: a ConfigMap that is not
// found moves on to the next candidate, any other read error (403) is the workflow's error, and the
// refs in messages print as Argo's String() methods print them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRepository } from '../../../src/engine/artifacts/repository.ts';
// The YAML reader, as the CLI and the reconcile load it (engine/yaml-reader.ts).
import '../../../src/engine/yaml-go.ts';
import type { Workflow } from '../../../src/engine/types.ts';

const wf = (ref?: { configMap?: string; key?: string }): Workflow =>
  ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'w', namespace: 'argo' },
    spec: { entrypoint: 'main', ...(ref ? { artifactRepositoryRef: ref } : {}) },
  }) as Workflow;

const forbidden = {
  readError: 'configmaps "artifact-repositories" is forbidden: User "argosy" cannot get resource "configmaps"',
};

test('a repository ConfigMap the controller may not read is an error, never "absent" (no default pinned)', () => {
  const got = resolveRepository(wf(), { 'argo/artifact-repositories': forbidden }, 'argosy-system');
  assert.deepEqual(got, {
    error:
      'failed to resolve artifact repository: error getting config map for artifact repository ref "argo/#": ' +
      forbidden.readError,
  });
});

test('with a ref, a 403 in the workflow namespace stops the search (Argo continues only on NotFound)', () => {
  const got = resolveRepository(
    wf({ key: 'my-key' }),
    {
      'argo/artifact-repositories': forbidden,
      'argosy-system/artifact-repositories': { data: { 'my-key': 's3: {bucket: b, endpoint: e:9000}' } },
    },
    'argosy-system',
  );
  assert.ok('error' in got);
  assert.match(got.error, /ref "argo\/#my-key": configmaps "artifact-repositories" is forbidden/);
});

test('not found moves on: the controller namespace’s ConfigMap answers the ref', () => {
  const got = resolveRepository(
    wf({ key: 'my-key' }),
    { 'argosy-system/artifact-repositories': { data: { 'my-key': 's3: {bucket: b, endpoint: e:9000}' } } },
    'argosy-system',
  );
  assert.ok('ref' in got);
  assert.equal(got.ref.namespace, 'argosy-system');
  assert.equal(got.ref.artifactRepository?.s3?.bucket, 'b');
});

test('a ref found nowhere prints as configMap#key; a bad value names the candidate namespace/configMap#key', () => {
  const none = resolveRepository(wf({ configMap: 'repos', key: 'k' }), {}, 'argosy-system');
  assert.deepEqual(none, {
    error:
      'failed to resolve artifact repository: failed to find any artifact repository for artifact repository ref "repos#k"',
  });
  const bad = resolveRepository(
    wf({ configMap: 'repos', key: 'k' }),
    { 'argo/repos': { data: { k: '[' } } },
    undefined,
  );
  assert.ok('error' in bad);
  assert.match(
    bad.error,
    /^failed to resolve artifact repository: failed to unmarshall config map key "k" for artifact repository ref "argo\/repos#k": /,
  );
});
