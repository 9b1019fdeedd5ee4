import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkPlacement,
  DEFAULT_PLACEMENT_POLICY,
  evaluatePlacement,
  globMatch,
  loadPlacementPolicy,
} from '../../../src/clusters/policy.ts';
import { clusterNotConfiguredMessage } from '../../../src/clusters/errors.ts';

const t = (workflowNamespace: string, cluster: string, namespace: string, serviceAccountName?: string) => ({
  workflowNamespace,
  cluster,
  namespace,
  serviceAccountName,
});

const configured = (...keys: string[]) => ({
  describeTarget: (c: string, n: string) =>
    keys.includes(`${c}.${n}`) || keys.includes(`${c}.`)
      ? { key: keys.includes(`${c}.${n}`) ? `${c}.${n}` : `${c}.` }
      : { error: clusterNotConfiguredMessage(c, n) },
});

const POLICY = `
apiVersion: argosy.io/v1alpha1
kind: PlacementPolicy
metadata: { name: teams }
spec:
  rules:
    - name: own-namespace
      clusters: ["*"]
      namespaces: [$workflowNamespace]
    - name: ml-to-gpu
      workflowNamespaces: ["ml-*"]
      clusters: ["gpu-?"]
      namespaces: ["batch", "$workflowNamespace-scratch"]
    - name: no-prod-from-dev
      effect: Deny
      workflowNamespaces: ["dev*"]
      clusters: ["prod"]
    - name: no-root-sa
      effect: Deny
      serviceAccounts: ["cluster-admin*"]
      namespaces: ["*"]
`;

describe('placement policy', () => {
  test('default: own namespace name in any cluster, nothing else', () => {
    assert.deepEqual(evaluatePlacement(DEFAULT_PLACEMENT_POLICY, t('argo', 'other', 'argo')), {
      allowed: true,
      rule: { index: 1, name: 'same-namespace' },
    });
    assert.equal(evaluatePlacement(DEFAULT_PLACEMENT_POLICY, t('argo', 'other', 'batch')).allowed, false);
    assert.equal(loadPlacementPolicy('  '), DEFAULT_PLACEMENT_POLICY);
  });

  test('the seed example passes the default check when configured', () => {
    const check = checkPlacement(DEFAULT_PLACEMENT_POLICY, configured('other.argo', 'main.'));
    assert.equal(check(t('argo', 'other', 'argo', 'workflow')), undefined);
    assert.equal(check(t('argo', 'main', 'argo')), undefined);
  });

  test('denied and not-configured messages', () => {
    const check = checkPlacement(DEFAULT_PLACEMENT_POLICY, configured('other.argo'));
    assert.equal(
      check(t('argo', 'other', 'batch')),
      'placement denied: workflows in namespace "argo" may not run pods in "other.batch" (no policy rule allows it)',
    );
    assert.match(check(t('argo', 'gpu', 'argo'))!, /^cluster-namespace "gpu\.argo" not configured/);
  });

  test('globs, $workflowNamespace substitution, deny wins regardless of order', () => {
    const p = loadPlacementPolicy(POLICY);
    const allowed = (x: ReturnType<typeof t>) => evaluatePlacement(p, x).allowed;
    assert.ok(allowed(t('ml-team', 'gpu-1', 'batch')));
    assert.ok(allowed(t('ml-team', 'gpu-2', 'ml-team-scratch')));
    assert.ok(!allowed(t('ml-team', 'gpu-10', 'batch')), '? is one character');
    assert.ok(!allowed(t('web', 'gpu-1', 'batch')));
    assert.ok(allowed(t('dev', 'staging', 'dev')));
    assert.deepEqual(evaluatePlacement(p, t('dev', 'prod', 'dev')), {
      allowed: false,
      rule: { index: 3, name: 'no-prod-from-dev' },
    });
    assert.ok(!allowed(t('ml-team', 'gpu-1', 'batch', 'cluster-admin')));
    const check = checkPlacement(p, configured('prod.'));
    assert.equal(
      check(t('dev', 'prod', 'dev')),
      'placement denied: workflows in namespace "dev" may not run pods in "prod.dev" (denied by policy rule 3 "no-prod-from-dev")',
    );
  });

  test('JSON documents and files load too', () => {
    const json = JSON.stringify({
      apiVersion: 'argosy.io/v1alpha1',
      kind: 'PlacementPolicy',
      spec: { rules: [{ clusters: ['a'], namespaces: ['*'] }] },
    });
    const p = loadPlacementPolicy(json);
    assert.ok(evaluatePlacement(p, t('x', 'a', 'y')).allowed);
    assert.ok(!evaluatePlacement(p, t('x', 'b', 'x')).allowed, 'a custom policy replaces the default');
    const fromFile = loadPlacementPolicy('/etc/argosy/policy.yaml', (path) => {
      assert.equal(path, '/etc/argosy/policy.yaml');
      return POLICY;
    });
    assert.equal(fromFile.spec.rules.length, 4);
  });

  const invalid: [string, string, RegExp][] = [
    ['wrong apiVersion', 'apiVersion: v1\nkind: PlacementPolicy\nspec: {rules: []}', /apiVersion/],
    ['wrong kind', 'apiVersion: argosy.io/v1alpha1\nkind: Policy\nspec: {rules: []}', /kind/],
    [
      'unknown rule field',
      'apiVersion: argosy.io/v1alpha1\nkind: PlacementPolicy\nspec: {rules: [{cluster: a}]}',
      /spec\.rules\.0/,
    ],
    ['bad effect', 'apiVersion: argosy.io/v1alpha1\nkind: PlacementPolicy\nspec: {rules: [{effect: Maybe}]}', /effect/],
    [
      'empty list',
      'apiVersion: argosy.io/v1alpha1\nkind: PlacementPolicy\nspec: {rules: [{clusters: []}]}',
      /clusters/,
    ],
    ['not YAML', 'a: [', /not valid YAML/],
  ];
  for (const [name, text, re] of invalid) {
    test(`invalid: ${name}`, () => {
      assert.throws(
        () => loadPlacementPolicy(text),
        (e: unknown) => (e as Error).name === 'PlacementPolicyError' && re.test((e as Error).message),
      );
    });
  }

  test('globMatch treats regex characters literally', () => {
    assert.ok(globMatch('a.b', 'a.b'));
    assert.ok(!globMatch('a.b', 'axb'));
    assert.ok(globMatch('*', ''));
  });
});
