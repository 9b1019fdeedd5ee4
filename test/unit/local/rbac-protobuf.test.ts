import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Authenticator } from '../../../src/local/apiserver/rbac.ts';
import { decodeProtobuf } from '../../../src/local/apiserver/protobuf.ts';
import { ApiError } from '../../../src/local/apiserver/status.ts';

describe('RBAC-like rules', () => {
  const auth = new Authenticator('admin-token');
  const { token } = auth.createIdentity('runner', [
    { verbs: ['get', 'list'], resources: ['pods', 'pods/log'], namespaces: ['argo'] },
    { verbs: ['*'], resources: ['workflows.argoproj.io', 'workflows.argoproj.io/status'] },
  ]);
  const p = auth.authenticate(`Bearer ${token}`)!;
  test('tokens authenticate; unknown ones do not; no header is anonymous', () => {
    assert.equal(p.name, 'runner');
    assert.equal(auth.authenticate('Bearer nope'), null);
    assert.equal(auth.authenticate(undefined), undefined);
    assert.equal(auth.authenticate('Bearer admin-token')?.rules, undefined);
  });
  test('resources, subresources, groups and namespaces', () => {
    assert.equal(auth.isAllowed(p, { verb: 'get', group: '', resource: 'pods', namespace: 'argo' }), true);
    assert.equal(
      auth.isAllowed(p, { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: 'argo' }),
      true,
    );
    assert.equal(
      auth.isAllowed(p, { verb: 'update', group: '', resource: 'pods', subresource: 'status', namespace: 'argo' }),
      false,
    );
    assert.equal(auth.isAllowed(p, { verb: 'get', group: '', resource: 'pods', namespace: 'default' }), false);
    assert.equal(auth.isAllowed(p, { verb: 'list', group: '', resource: 'pods' }), false);
    assert.equal(
      auth.isAllowed(p, {
        verb: 'patch',
        group: 'argoproj.io',
        resource: 'workflows',
        subresource: 'status',
        namespace: 'x',
      }),
      true,
    );
  });
  test('denials carry the RBAC authorizer wording', () => {
    try {
      auth.authorize(p, { verb: 'delete', group: '', resource: 'pods', namespace: 'argo', name: 'x' });
      assert.fail('expected forbidden');
    } catch (e) {
      assert.ok(e instanceof ApiError);
      assert.equal(
        e.status.message,
        'pods "x" is forbidden: User "runner" cannot delete resource "pods" in API group "" in the namespace "argo"',
      );
    }
  });
});

describe('protobuf request bodies', () => {
  const field = (no: number, payload: Buffer) => Buffer.concat([Buffer.from([(no << 3) | 2, payload.length]), payload]);
  const str = (no: number, s: string) => field(no, Buffer.from(s));
  test('a Secret in the k8s envelope decodes to its JSON form', () => {
    const meta = Buffer.concat([str(1, 's1'), str(2, ''), field(11, Buffer.concat([str(1, 'app'), str(2, 'x')]))]);
    const secret = Buffer.concat([
      field(1, meta),
      field(2, Buffer.concat([str(1, 'k'), str(2, 'v')])),
      str(3, 'Opaque'),
    ]);
    const unknown = Buffer.concat([field(1, Buffer.concat([str(1, 'v1'), str(2, 'Secret')])), field(2, secret)]);
    const body = Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
    assert.deepEqual(decodeProtobuf(body), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's1', labels: { app: 'x' } },
      data: { k: Buffer.from('v').toString('base64') },
      type: 'Opaque',
    });
  });
  test('unknown kinds are left to the caller; garbage throws', () => {
    const unknown = Buffer.concat([
      Buffer.from('k8s\0', 'latin1'),
      field(1, Buffer.concat([str(1, 'v1'), str(2, 'Pod')])),
    ]);
    assert.equal(decodeProtobuf(unknown), undefined);
    assert.throws(() => decodeProtobuf(Buffer.from('nope')));
  });
});
