import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { authKindOf, decodeEntryValue, parseEntry } from '../../../src/clusters/entry.ts';
import { isEntryInvalidError } from '../../../src/clusters/errors.ts';
import { createLogger } from '../../../src/logger.ts';
import { fileTokenSource } from '../../../src/clusters/client-from-entry.ts';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const TOKEN = 'tok-very-secret-1234567890';

/** A rest-config entry in the JSON shape of Go's rest.Config (docs/adr/0002-cluster-access.md), filled in. */
const seedEntry = {
  Host: 'https://0.0.0.0:57667',
  APIPath: '',
  Username: '',
  Password: '',
  BearerToken: TOKEN,
  TLSClientConfig: {
    Insecure: false,
    ServerName: '',
    CertFile: '',
    KeyFile: '',
    CAFile: '',
    CertData: null,
    KeyData: null,
    CAData: b64(PEM),
    NextProtos: null,
  },
  UserAgent: '',
  DisableCompression: false,
  QPS: 0,
  Burst: 0,
  Timeout: 0,
};

describe('rest-config entries', () => {
  test('parses the seed example (object, JSON text, base64 of JSON)', () => {
    for (const value of [seedEntry, JSON.stringify(seedEntry), b64(JSON.stringify(seedEntry))]) {
      const e = parseEntry('other.argo', value);
      assert.equal(e.host, 'https://0.0.0.0:57667');
      assert.equal(e.bearerToken, TOKEN);
      assert.equal(e.tls.caPem, PEM);
      assert.equal(e.tls.insecure, false);
      assert.equal(authKindOf(e), 'token');
    }
  });

  test('keys match case-insensitively like Go; unknown fields warn without values', () => {
    const lines: string[] = [];
    const logger = createLogger({ sink: (l) => lines.push(l) });
    const e = parseEntry(
      'other.',
      {
        host: 'k8s.example:6443/prefix/',
        bearertoken: TOKEN,
        tlsclientconfig: { servername: 'kube', insecure: true },
        qps: 12.5,
        BURST: 40,
        timeout: 1_500_000_001,
        useragent: 'ua',
        Shiny: 'x',
      },
      { logger },
    );
    assert.equal(e.host, 'https://k8s.example:6443/prefix');
    assert.equal(e.tls.serverName, 'kube');
    assert.equal(e.tls.insecure, true);
    assert.equal(e.qps, 12.5);
    assert.equal(e.burst, 40);
    assert.equal(e.timeoutMs, 1501);
    assert.equal(e.userAgent, 'ua');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /unknown fields/);
    assert.match(lines[0]!, /Shiny/);
    assert.ok(!lines.join('').includes(TOKEN));
  });

  test('ExecProvider, AuthProvider and Impersonate are errors naming the field, not ignored', () => {
    const cases: [string, unknown, RegExp][] = [
      ['ExecProvider', { Command: 'aws', Args: ['eks', 'get-token'] }, /exec credential plugins/],
      ['AuthProvider', { Name: 'oidc', Config: {} }, /auth provider plugins/],
      ['Impersonate', { UserName: 'admin', UID: '', Groups: null, Extra: null }, /impersonation/],
      ['impersonate', { UserName: '', Groups: ['system:masters'] }, /impersonation/],
    ];
    for (const [field, value, message] of cases) {
      assert.throws(
        () => parseEntry('other.', { ...seedEntry, [field]: value }),
        (e: unknown) => isEntryInvalidError(e) && new RegExp(field, 'i').test(e.message) && message.test(e.message),
        field,
      );
    }
    // What Go's json.Marshal writes for an unset rest.Config: accepted.
    const zero = {
      ...seedEntry,
      ExecProvider: null,
      AuthProvider: null,
      Impersonate: { UserName: '', UID: '', Groups: null, Extra: null },
    };
    assert.equal(parseEntry('other.', zero).bearerToken, TOKEN);
  });

  test('BearerTokenFile is re-read when the file changes (projected tokens rotate)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'argosy-token-'));
    try {
      const file = join(dir, 'token');
      writeFileSync(file, 'first\n');
      const e = parseEntry('other.', { ...seedEntry, BearerToken: '', BearerTokenFile: file });
      assert.equal(e.bearerTokenFile, file);
      const token = fileTokenSource(e.bearerTokenFile!, e.bearerToken);
      assert.equal(await token(), 'first');
      writeFileSync(file, 'second\n');
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      assert.equal(await token(), 'second');
      rmSync(file);
      assert.equal(await token(), 'second', 'an unreadable file keeps the last token');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('client certificate, basic auth, files and the AWS block', () => {
    const files: Record<string, string> = {
      '/ca': PEM,
      '/cert': PEM,
      '/key': '-----BEGIN KEY-----\nk\n-----END KEY-----',
    };
    const cert = parseEntry(
      'a.',
      { Host: 'https://h', TLSClientConfig: { CAFile: '/ca', CertFile: '/cert', KeyFile: '/key' } },
      { readFile: (p) => files[p] ?? assert.fail(`read ${p}`) },
    );
    assert.equal(authKindOf(cert), 'client-certificate');
    assert.equal(cert.tls.caPem, PEM);
    const basic = parseEntry('a.', { Host: 'https://h', Username: 'u', Password: 'p' });
    assert.equal(authKindOf(basic), 'basic');
    const eks = parseEntry('a.', { Host: 'https://h', AWS: { ClusterName: 'prod', Region: 'eu-west-1' } });
    assert.deepEqual(eks.aws, { clusterName: 'prod', region: 'eu-west-1' });
    assert.equal(authKindOf(eks), 'aws-iam');
  });

  const malformed: [string, unknown, string, RegExp][] = [
    ['bad JSON', '{"Host": "https://h", "BearerToken": "' + TOKEN + '"', '', /not valid JSON/],
    ['not JSON nor base64', 'Host=https://h!', '', /neither JSON nor base64/],
    ['array', '[1]', '', /JSON object/],
    ['no Host', { BearerToken: TOKEN }, 'Host', /missing/],
    ['Host not a string', { Host: 42 }, 'Host', /must be a string/],
    ['bad URL', { Host: 'https://exa mple:99999' }, 'Host', /not a valid URL/],
    ['bad scheme', { Host: 'ftp://h' }, 'Host', /scheme/],
    ['credentials in Host', { Host: `https://u:${TOKEN}@h` }, 'Host', /credentials/],
    [
      'bad base64 CAData',
      { Host: 'https://h', TLSClientConfig: { CAData: 'not base64!' } },
      'TLSClientConfig.CAData',
      /base64/,
    ],
    [
      'CAData not PEM',
      { Host: 'https://h', TLSClientConfig: { CAData: b64('hello') } },
      'TLSClientConfig.CAData',
      /PEM/,
    ],
    ['cert without key', { Host: 'https://h', TLSClientConfig: { CertData: b64(PEM) } }, 'TLSClientConfig', /together/],
    ['QPS negative', { Host: 'https://h', QPS: -1 }, 'QPS', /non-negative/],
    ['Burst fractional', { Host: 'https://h', Burst: 1.5 }, 'Burst', /integer/],
    ['Timeout string', { Host: 'https://h', Timeout: '5s' }, 'Timeout', /non-negative/],
    [
      'Insecure string',
      { Host: 'https://h', TLSClientConfig: { Insecure: 'yes' } },
      'TLSClientConfig.Insecure',
      /true or false/,
    ],
    ['TLS not object', { Host: 'https://h', TLSClientConfig: 'x' }, 'TLSClientConfig', /object/],
    [
      'unreadable CAFile',
      { Host: 'https://h', TLSClientConfig: { CAFile: '/nope/ca.crt' } },
      'TLSClientConfig.CAFile',
      /cannot read/,
    ],
    ['AWS without region', { Host: 'https://h', AWS: { ClusterName: 'c' } }, 'AWS.Region', /region/],
    ['AWS without cluster', { Host: 'https://h', AWS: { Region: 'us-east-1' } }, 'AWS.ClusterName', /missing/],
  ];
  for (const [name, value, field, re] of malformed) {
    test(`malformed: ${name} → EntryInvalidError naming ${field || 'the value'}`, () => {
      assert.throws(
        () => parseEntry('other.argo', value),
        (e: unknown) => {
          assert.ok(isEntryInvalidError(e), String(e));
          assert.equal(e.key, 'other.argo');
          assert.equal(e.field, field);
          assert.match(e.message, re);
          assert.match(e.message, /^rest-config entry "other\.argo"/);
          assert.ok(!e.message.includes(TOKEN), 'message must not contain the token');
          if (!field) assert.equal(e.cause, undefined, 'a JSON error must not carry the parser message');
          return true;
        },
      );
    });
  }

  test('decodeEntryValue passes objects through', () => {
    const o = { Host: 'x' };
    assert.equal(decodeEntryValue('k.', o), o);
  });
});
