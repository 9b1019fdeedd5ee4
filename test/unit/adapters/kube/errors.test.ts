import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isAlreadyExists,
  isConflict,
  isExceededQuota,
  isKubeApiError,
  isKubeUnreachableError,
  isTransient,
  KubeApiError,
  KubeUnreachableError,
} from '../../../../src/adapters/kube/errors.ts';
import { outcomeOf } from '../../../../src/runtime/outcome.ts';

const unreachable = (code: string | undefined, name?: string) =>
  new KubeUnreachableError({
    cluster: 'other',
    verb: 'GET',
    path: '/version',
    host: 'k8s:6443',
    cause: Object.assign(new Error('x'), code ? { code } : {}, name ? { name } : {}),
  });

describe('kube errors', () => {
  const kinds: [string | undefined, string | undefined, string, RegExp][] = [
    ['DEPTH_ZERO_SELF_SIGNED_CERT', undefined, 'x509', /CAData/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', undefined, 'x509', /ServerName/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', undefined, 'x509', /x509/],
    ['ECONNREFUSED', undefined, 'refused', /connection refused by k8s:6443/],
    ['ENOTFOUND', undefined, 'dns', /DNS/],
    ['EAI_AGAIN', undefined, 'dns', /DNS/],
    ['ETIMEDOUT', undefined, 'timeout', /Timeout/],
    [undefined, 'TimeoutError', 'timeout', /in time/],
    ['ECONNRESET', undefined, 'reset', /reset/],
    ['EWHATEVER', undefined, 'other', /could not reach/],
  ];
  for (const [code, name, kind, re] of kinds) {
    test(`${code ?? name} → ${kind}`, () => {
      const e = unreachable(code, name);
      assert.equal(e.kind, kind);
      assert.match(e.diagnosis, re);
      assert.ok(isKubeUnreachableError(e) && isTransient(e));
      assert.match(e.message, /^GET \/version on cluster "other": unreachable/);
    });
  }

  test('guards are keyed on name (a plain object from another module copy passes)', () => {
    const copy = { name: 'KubeApiError', statusCode: 409, reason: 'AlreadyExists' };
    assert.ok(isKubeApiError(copy));
    assert.ok(isAlreadyExists(copy));
    assert.ok(!isConflict(copy));
    assert.ok(!isTransient(copy));
    assert.ok(!isKubeApiError(new Error('x')));
  });

  test('message carries status, reason and the Status message', () => {
    const e = new KubeApiError({
      statusCode: 422,
      reason: 'Invalid',
      message: 'bad',
      cluster: 'c',
      verb: 'POST',
      path: '/p',
    });
    assert.equal(e.message, 'POST /p on cluster "c": 422 Invalid: bad');
    assert.ok(!isTransient(e));
  });

  test('403 exceeded quota is transient (Argo: isExceededQuotaErr); other 403s are refusals', () => {
    const forbidden = (message: string) =>
      new KubeApiError({ statusCode: 403, reason: 'Forbidden', message, cluster: 'c', verb: 'POST', path: '/p' });
    const quota = forbidden(
      'pods "x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1',
    );
    assert.ok(isExceededQuota(quota) && isTransient(quota));
    assert.deepEqual(outcomeOf(quota), { kind: 'transient', message: `403 ${quota.statusMessage}`, quota: true });
    // Other transient failures are not quota waits (they keep the bound of a wait for a cluster).
    const busy = new KubeApiError({
      statusCode: 503,
      reason: 'ServiceUnavailable',
      message: 'exceeded quota',
      cluster: 'c',
      verb: 'POST',
      path: '/p',
    });
    assert.deepEqual(outcomeOf(busy), { kind: 'transient', message: '503 exceeded quota' });
    const rbac = forbidden('pods is forbidden: User "x" cannot create resource "pods"');
    assert.ok(!isExceededQuota(rbac) && !isTransient(rbac));
    assert.equal(outcomeOf(rbac)?.kind, 'rejected');
    const unstated = forbidden('pods "x" is forbidden: failed quota: q: must specify limits.memory');
    assert.equal(outcomeOf(unstated)?.kind, 'rejected');
  });
});
