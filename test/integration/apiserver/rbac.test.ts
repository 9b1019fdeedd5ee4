// Authentication and authorization: a credential scoped to namespace `argo` of cluster `other`
// works there and gets kube-apiserver's 403 Forbidden Status everywhere else; unknown tokens get
// 401; SelfSubjectAccessReview (and `kubectl auth can-i`) answer from the identity's rules.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { startLocalClusters, type LocalClusters } from '../../../src/local/clusters.ts';
import { kubectl, raw } from './helpers.ts';

describe('RBAC on local clusters', () => {
  let lc: LocalClusters;
  let token: string;
  let kubeconfig: string;

  before(async () => {
    lc = await startLocalClusters({ names: ['main', 'other'], namespaces: ['argo'], runtime: 'sim' });
    const other = lc.get('other');
    token = other.createIdentity('argo-runner', [
      {
        verbs: ['get', 'list', 'watch', 'create', 'delete', 'patch'],
        resources: ['pods', 'pods/log'],
        namespaces: ['argo'],
      },
      { verbs: ['create'], resources: ['selfsubjectaccessreviews'], apiGroups: ['authorization.k8s.io'] },
    ]).token;
    kubeconfig = `${lc.kubeconfigPath}.scoped`;
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'other',
            cluster: { server: other.url, 'certificate-authority-data': Buffer.from(other.caPem).toString('base64') },
          },
        ],
        users: [{ name: 'runner', user: { token } }],
        contexts: [{ name: 'other', context: { cluster: 'other', user: 'runner' } }],
        'current-context': 'other',
      }),
    );
  });
  after(() => lc.stop());

  test('allowed inside its namespace', async () => {
    const other = lc.get('other');
    const pod = {
      metadata: { name: 'p1' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] },
    };
    const created = await raw(other, 'POST', '/api/v1/namespaces/argo/pods', pod, { token });
    assert.equal(created.status, 201, created.text);
    const list = await raw(other, 'GET', '/api/v1/namespaces/argo/pods', undefined, { token });
    assert.equal(list.status, 200);
  });

  test('403 Forbidden Statuses elsewhere, with the real wording', async () => {
    const other = lc.get('other');
    const inDefault = await raw(other, 'GET', '/api/v1/namespaces/default/pods', undefined, { token });
    assert.equal(inDefault.status, 403);
    assert.deepEqual(inDefault.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'pods is forbidden: User "argo-runner" cannot list resource "pods" in API group "" in the namespace "default"',
      reason: 'Forbidden',
      details: { kind: 'pods' },
      code: 403,
    });
    const secret = await raw(other, 'GET', '/api/v1/namespaces/argo/secrets/x', undefined, { token });
    assert.equal(secret.status, 403);
    assert.equal(
      secret.json.message,
      'secrets "x" is forbidden: User "argo-runner" cannot get resource "secrets" in API group "" in the namespace "argo"',
    );
    const allNs = await raw(other, 'GET', '/api/v1/pods', undefined, { token });
    assert.match(allNs.json.message, /cannot list resource "pods" in API group "" at the cluster scope$/);
    const wf = await raw(other, 'GET', '/apis/argoproj.io/v1alpha1/namespaces/argo/workflows', undefined, { token });
    assert.match(
      wf.json.message,
      /^workflows.argoproj.io is forbidden: .* in API group "argoproj.io" in the namespace "argo"$/,
    );
    // The same token means nothing to another cluster.
    const main = await raw(lc.get('main'), 'GET', '/api/v1/namespaces/argo/pods', undefined, { token });
    assert.equal(main.status, 401);
    assert.equal(main.json.reason, 'Unauthorized');
  });

  test('SelfSubjectAccessReview and kubectl auth can-i answer from the rules', async () => {
    const other = lc.get('other');
    const review = (namespace: string, verb: string, resource: string, subresource = '') =>
      raw(
        other,
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { namespace, verb, resource, subresource } },
        },
        { token },
      );
    assert.equal((await review('argo', 'create', 'pods')).json.status.allowed, true);
    assert.equal((await review('argo', 'get', 'pods', 'log')).json.status.allowed, true);
    assert.equal((await review('argo', 'update', 'pods', 'status')).json.status.allowed, false);
    assert.equal((await review('default', 'create', 'pods')).json.status.allowed, false);
    const yes = await kubectl(kubeconfig, 'other', ['auth', 'can-i', 'create', 'pods', '-n', 'argo']);
    assert.equal(yes.stdout.trim(), 'yes');
    const no = await kubectl(kubeconfig, 'other', ['auth', 'can-i', 'create', 'pods', '-n', 'default']);
    assert.equal(no.stdout.trim(), 'no');
    const denied = await kubectl(kubeconfig, 'other', ['get', 'pods', '-n', 'default']);
    assert.match(
      denied.stderr,
      /Error from server \(Forbidden\): pods is forbidden: User "argo-runner" cannot list resource "pods"/,
    );
  });

  test('revoked identities and unknown tokens get 401; anonymous may read /version only', async () => {
    const other = lc.get('other');
    const temp = other.createIdentity('temp', [{ verbs: ['*'], resources: ['*'] }]);
    assert.equal((await raw(other, 'GET', '/api/v1/namespaces', undefined, { token: temp.token })).status, 200);
    other.revokeIdentity('temp');
    const revoked = await raw(other, 'GET', '/api/v1/namespaces', undefined, { token: temp.token });
    assert.equal(revoked.status, 401);
    assert.equal((await raw(other, 'GET', '/version', undefined, { token: null })).status, 200);
    const anon = await raw(other, 'GET', '/api', undefined, { token: null });
    assert.equal(anon.status, 403);
    assert.equal(anon.json.message, 'forbidden: User "system:anonymous" cannot get path "/api"');
  });
});
