// Kubeconfig contexts → Go-shaped rest-config entries (files in a temp dir; no network).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { entryFromContext, loadKubeconfig } from '../../../src/clusters/kubeconfig.ts';
import { authKindOf, parseEntry } from '../../../src/clusters/entry.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('kubeconfig → entry', () => {
  let dir: string;
  let path: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'argosy-kc-'));
    writeFileSync(join(dir, 'ca.crt'), PEM);
    path = join(dir, 'config');
    const cluster = (name: string, extra: object = {}) => ({
      name,
      cluster: { server: `https://${name}.example:6443`, 'certificate-authority-data': b64(PEM), ...extra },
    });
    const ctx = (name: string, user: string, clusterName = name) => ({ name, context: { cluster: clusterName, user } });
    writeFileSync(
      path,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'tok',
        clusters: [
          cluster('tok'),
          { name: 'filed', cluster: { server: 'https://filed:6443', 'certificate-authority': 'ca.crt' } },
          cluster('insecure', {
            'certificate-authority-data': undefined,
            'insecure-skip-tls-verify': true,
            'tls-server-name': 'api.internal',
          }),
        ],
        users: [
          { name: 'tok', user: { token: 'secret-token-abc' } },
          {
            name: 'cert',
            user: {
              'client-certificate-data': b64(PEM),
              'client-key-data': b64('-----BEGIN KEY-----\nk\n-----END KEY-----\n'),
            },
          },
          { name: 'basic', user: { username: 'admin', password: 'pw' } },
          {
            name: 'eks',
            user: {
              exec: {
                apiVersion: 'client.authentication.k8s.io/v1beta1',
                command: 'aws',
                args: ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'prod'],
              },
            },
          },
          {
            name: 'gcp',
            user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin' } },
          },
        ],
        contexts: [
          ctx('tok', 'tok'),
          ctx('cert', 'cert', 'tok'),
          ctx('basic', 'basic', 'tok'),
          ctx('eks', 'eks', 'tok'),
          ctx('gcp', 'gcp', 'tok'),
          ctx('filed', 'tok'),
          ctx('insecure', 'tok'),
        ],
      }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('token context gives the seed shape', () => {
    const e = entryFromContext(loadKubeconfig(path), 'tok');
    assert.deepEqual(e, {
      Host: 'https://tok.example:6443',
      BearerToken: 'secret-token-abc',
      TLSClientConfig: { Insecure: false, ServerName: '', CAData: b64(PEM), CertData: null, KeyData: null },
    });
    assert.equal(parseEntry('tok.', e).tls.caPem, PEM);
  });

  test('client certificate, basic auth, CA file, insecure + server name', () => {
    const kc = loadKubeconfig(path);
    assert.equal(authKindOf(parseEntry('c.', entryFromContext(kc, 'cert'))), 'client-certificate');
    assert.equal(authKindOf(parseEntry('c.', entryFromContext(kc, 'basic'))), 'basic');
    assert.equal(parseEntry('c.', entryFromContext(kc, 'filed')).tls.caPem, PEM);
    const insecure = parseEntry('c.', entryFromContext(kc, 'insecure'));
    assert.equal(insecure.tls.insecure, true);
    assert.equal(insecure.tls.serverName, 'api.internal');
  });

  test('aws eks get-token contexts become the AWS block; other exec plugins are refused', () => {
    const kc = loadKubeconfig(path);
    const e = entryFromContext(kc, 'eks');
    assert.deepEqual(e.AWS, { ClusterName: 'prod', Region: 'eu-west-1' });
    assert.equal(e.BearerToken, undefined);
    assert.throws(() => entryFromContext(kc, 'gcp'), /exec\/auth-provider plugin/);
  });

  test('missing context and missing file are clear errors', () => {
    assert.throws(() => entryFromContext(loadKubeconfig(path), 'nope'), /context "nope" not found .*tok/);
    assert.throws(() => loadKubeconfig(join(dir, 'missing')), /cannot read kubeconfig/);
  });
});
