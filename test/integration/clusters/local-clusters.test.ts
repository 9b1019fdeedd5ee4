// Clusters end to end against the embedded API servers (real TLS, tokens, RBAC): entries made by
// `argosy cluster add` from the generated kubeconfig, scoped credentials, precedence, rotation,
// malformed entries, wrong CA, placement, the CLI as a subprocess, and a scan for leaked credentials.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { startLocalClusters, type LocalClusters } from '../../../src/local/clusters.ts';
import { runClusterCli, type ClusterCliIo } from '../../../src/cli/commands/cluster.ts';
import { clientFromKubeconfig } from '../../../src/clusters/kubeconfig.ts';
import { createKubernetesStore } from '../../../src/clusters/stores/kubernetes.ts';
import { createEntryRegistry, type EntryRegistry } from '../../../src/clusters/registry.ts';
import { checkPlacement, DEFAULT_PLACEMENT_POLICY, loadPlacementPolicy } from '../../../src/clusters/policy.ts';
import { isClusterNotConfiguredError, isEntryInvalidError } from '../../../src/clusters/errors.ts';
import { isKubeApiError, isKubeUnreachableError } from '../../../src/adapters/kube/errors.ts';
import { createPod, deletePod, listPods, patchSecret } from '../../../src/adapters/kube/resources.ts';
import type { HttpKubeClient } from '../../../src/adapters/kube/http-client.ts';
import { createLogger } from '../../../src/logger.ts';

const captured: string[] = []; // every line any test printed or logged, scanned at the end
const secrets: string[] = [];

function cliIo(env: Record<string, string>): ClusterCliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (l) => (stdout.push(l), captured.push(l)),
    err: (l) => (stderr.push(l), captured.push(l)),
    exitCode: 0,
    env,
    logger: createLogger({ sink: (l) => captured.push(l) }),
  };
}

/** What `system:basic-user` grants every authenticated user in a real cluster. */
const BASIC_USER = { verbs: ['create'], resources: ['selfsubjectaccessreviews'], apiGroups: ['authorization.k8s.io'] };

/** Runs the CLI entry as a child process (async: the API servers live in this process). */
function runSubprocess(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/cluster-main.ts', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'main', image: 'argoproj/argosay:v2' }] },
});

describe('clusters against embedded API servers', () => {
  let local: LocalClusters;
  let dir: string;
  let env: Record<string, string>;
  let main: HttpKubeClient;
  const lines: string[] = [];
  const logger = createLogger({ sink: (l) => (lines.push(l), captured.push(l)) });
  let now = 0;
  const registries: EntryRegistry[] = [];
  const registry = async (cacheMs = 60_000) => {
    const r = await createEntryRegistry({
      mainCluster: 'main',
      mainClient: main,
      store: createKubernetesStore({ client: main, namespace: 'argo', name: 'rest-config' }),
      cacheMs,
      logger,
      now: () => now,
    });
    registries.push(r);
    return r;
  };
  const cli = async (...argv: string[]) => {
    const io = cliIo(env);
    const code = await runClusterCli(argv, io);
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  };
  /** A kubeconfig with one context for a scoped identity in `other`. */
  const addContext = (context: string, token: string, caPem?: string) => {
    const other = local.get('other');
    const file = join(dir, `${context}.yaml`);
    writeFileSync(
      file,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: context,
            cluster: {
              server: other.url,
              'certificate-authority-data': Buffer.from(caPem ?? other.caPem).toString('base64'),
            },
          },
        ],
        users: [{ name: context, user: { token } }],
        contexts: [{ name: context, context: { cluster: context, user: context } }],
      }),
    );
    env.KUBECONFIG = [env.KUBECONFIG, file].join(delimiter);
  };

  before(async () => {
    local = await startLocalClusters({ names: ['main', 'other'], kubelet: false, namespaces: ['argo', 'batch'] });
    dir = mkdtempSync(join(tmpdir(), 'argosy-clusters-it-'));
    env = { KUBECONFIG: local.kubeconfigPath, ARGOSY_CLUSTER_NAME: 'main', ARGOSY_NAMESPACE: 'argo' };
    secrets.push(local.get('main').adminToken, local.get('other').adminToken);
    main = (await clientFromKubeconfig({ kubeconfig: local.kubeconfigPath, context: 'main', cluster: 'main' })).client;
  });
  after(async () => {
    for (const r of registries) r.close();
    main?.close();
    await local?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('cluster add creates the Secret and stores an entry from the generated kubeconfig', async () => {
    const bad = await cli('add', 'other.', 'other', '--context', 'main', '--label', 'gpu');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--label gpu: expected key=value/);
    const r = await cli('add', 'other.', 'other', '--context', 'main', '-l', 'gpu=a100', '--label', 'region=east');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /created Secret argo\/rest-config/);
    assert.match(r.out, /added cluster\/namespace "other\." from context "other"/);
    const list = await cli('list', '--context', 'main');
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /^KEY\s+CLUSTER\s+NAMESPACE\s+HOST\s+AUTH\s+STATUS/);
    assert.match(
      list.out,
      new RegExp(`other\\.\\s+other\\s+\\*\\s+${local.get('other').url.replace(/\./g, '\\.')}\\s+token\\s+ok`),
    );
    const check = await cli('check', 'other.', '--context', 'main');
    assert.equal(check.code, 0, check.out + check.err);
    assert.match(check.out, /other\.: https:\/\/127\.0\.0\.2:\d+: server v\d/);
    assert.match(check.out, /ok: may create, get, list, watch and delete pods and read pod logs in every namespace/);
    assert.match(check.out, /executor: Argo's executor pods \(workflowtaskresults served and readable\)/);
    assert.match(list.out, /token\s+ok\s+auto\s+gpu=a100,region=east/);
    const facts = await (await registry()).clusterFacts();
    assert.deepEqual(facts.find((c) => c.name === 'other')?.labels, { gpu: 'a100', region: 'east' });
  });

  test('a namespace-scoped credential reaches its namespace and gets 403 elsewhere; exact key wins', async () => {
    const id = local.get('other').createIdentity('argo-runner', [
      {
        verbs: ['create', 'get', 'list', 'watch', 'delete', 'patch'],
        resources: ['pods', 'pods/log'],
        namespaces: ['argo'],
      },
    ]);
    secrets.push(id.token);
    addContext('other-argo', id.token);
    const add = await cli('add', 'other/argo', 'other-argo', '--context', 'main');
    assert.equal(add.code, 0, add.err);
    assert.match(add.out, /added cluster\/namespace "other\.argo" from context "other-argo"/);
    const r = await registry();
    const scoped = await r.clientFor('other', 'argo');
    await createPod(scoped, 'argo', pod('scoped-1'));
    const e = await listPods(scoped, 'batch').catch((x: unknown) => x);
    assert.ok(isKubeApiError(e) && e.statusCode === 403, String(e));
    assert.match(String((e as Error).message), /forbidden|cannot/i);
    await deletePod(scoped, 'argo', 'scoped-1');
    // other.batch falls back to the cluster-wide entry (admin): allowed
    await listPods(await r.clientFor('other', 'batch'), 'batch');
    const warnings = lines.filter((l) => l.includes('the exact one wins'));
    assert.equal(warnings.length, 1, 'both-present warning once');
    await r.clientFor('other', 'argo');
    assert.equal(lines.filter((l) => l.includes('the exact one wins')).length, 1);
    const list = await cli('list', '--context', 'main');
    assert.match(list.err, /"other\.argo" and "other\." both exist/);
  });

  test('check reports missing RBAC and 401 for a revoked token', async () => {
    const id = local
      .get('other')
      .createIdentity('reader', [
        { verbs: ['get', 'list', 'watch'], resources: ['pods'], namespaces: ['batch'] },
        BASIC_USER,
      ]);
    secrets.push(id.token);
    addContext('other-reader', id.token);
    assert.equal((await cli('add', 'other.batch', 'other-reader', '--context', 'main')).code, 0);
    const c1 = await cli('check', 'other.batch', '--context', 'main');
    assert.equal(c1.code, 1);
    assert.match(c1.out, /missing in namespace "batch": create pods, delete pods, get pods\/log/);
    // Without the basic-user grant the check says it cannot ask, instead of failing obscurely.
    const readerToken = local
      .get('other')
      .createIdentity('reader', [{ verbs: ['get'], resources: ['pods'], namespaces: ['batch'] }]).token;
    secrets.push(readerToken);
    addContext('other-reader-2', readerToken);
    assert.equal((await cli('add', 'other.batch', 'other-reader-2', '--context', 'main')).code, 0);
    const c0 = await cli('check', 'other.batch', '--context', 'main');
    assert.equal(c0.code, 1);
    assert.match(c0.out, /cannot check permissions: the identity may not create SelfSubjectAccessReviews/);
    local.get('other').revokeIdentity('reader');
    const c2 = await cli('check', 'other.batch', '--context', 'main');
    assert.equal(c2.code, 1);
    assert.match(c2.out, /401 Unauthorized: the credential was rejected/);
    assert.equal((await cli('rm', 'other.batch', '--context', 'main')).code, 0);
    const again = await cli('rm', 'other.batch', '--context', 'main');
    assert.equal(again.code, 1);
    assert.match(again.err, /not found/);
  });

  test('rotation is picked up within the cache lifetime, without a restart', async () => {
    const r = await registry(30_000);
    const before = await r.clientFor('other', 'argo');
    await listPods(before, 'argo');
    const id2 = local
      .get('other')
      .createIdentity('argo-runner-2', [{ verbs: ['*'], resources: ['pods', 'pods/log'], namespaces: ['argo'] }]);
    secrets.push(id2.token);
    addContext('other-argo-2', id2.token);
    assert.equal((await cli('add', 'other.argo', 'other-argo-2', '--context', 'main')).code, 0);
    local.get('other').revokeIdentity('argo-runner');
    now += 10_000;
    assert.equal(await r.clientFor('other', 'argo'), before, 'still within the cache lifetime');
    now += 20_001;
    const after = await r.clientFor('other', 'argo');
    assert.notEqual(after, before);
    await listPods(after, 'argo');
  });

  test('every malformed entry fails only its own target, with the key and field named', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const other = local.get('other');
    const cases: Record<string, [string, RegExp]> = {
      'bad.json': [b64('{"Host": "https://x", "BearerToken": "leaky-token-123"'), /not valid JSON/],
      'bad.base64': [
        b64(JSON.stringify({ Host: other.url, TLSClientConfig: { CAData: '%%%' } })),
        /CAData: not valid standard base64/,
      ],
      'bad.nohost': [b64(JSON.stringify({ BearerToken: 'leaky-token-123' })), /Host: missing/],
      'bad.url': [b64(JSON.stringify({ Host: 'https://exa mple' })), /Host: not a valid URL/],
      'bad.notjson': [b64('Host: https://x'), /neither JSON nor base64/],
    };
    secrets.push('leaky-token-123');
    await patchSecret(main, 'argo', 'rest-config', {
      data: Object.fromEntries(Object.entries(cases).map(([k, [v]]) => [k, v])),
    });
    const r = await registry();
    for (const [key, [, re]] of Object.entries(cases)) {
      const [c, n] = key.split('.') as [string, string];
      const e = await r.clientFor(c, n).catch((x: unknown) => x);
      assert.ok(isEntryInvalidError(e), `${key}: ${String(e)}`);
      assert.equal(e.key, key);
      assert.match(e.message, re, key);
      const d = r.describeTarget(c, n);
      assert.ok('error' in d && re.test(d.error));
    }
    await listPods(await r.clientFor('other', 'argo'), 'argo'); // others still work
    const list = await cli('list', '--context', 'main');
    assert.match(list.out, /bad\.nohost\s+bad\s+nohost\s+-\s+-\s+invalid: Host: missing/);
    const check = await cli('check', 'bad.url', '--context', 'main');
    assert.equal(check.code, 1);
    assert.match(check.out, /bad\.url: invalid entry: Host: not a valid URL/);
    await patchSecret(main, 'argo', 'rest-config', {
      data: Object.fromEntries(Object.keys(cases).map((k) => [k, null])),
    });
  });

  test('a wrong CA gives an x509 diagnosis; a stopped server a refused one', async () => {
    addContext('other-wrong-ca', local.get('other').adminToken, local.get('main').caPem);
    assert.equal((await cli('add', 'other.wrongca', 'other-wrong-ca', '--context', 'main')).code, 0);
    const r = await registry();
    const e = await listPods(await r.clientFor('other', 'wrongca'), 'wrongca').catch((x: unknown) => x);
    assert.ok(isKubeUnreachableError(e) && e.kind === 'x509', String(e));
    const check = await cli('check', 'other.wrongca', '--context', 'main');
    assert.equal(check.code, 1);
    assert.match(check.out, /unreachable: x509: the server certificate of 127\.0\.0\.2:\d+ could not be verified/);
    assert.equal((await cli('rm', 'other.wrongca', '--context', 'main')).code, 0);
    await local.get('other').stop();
    try {
      const down = await cli('check', 'other.', '--context', 'main');
      assert.equal(down.code, 1);
      assert.match(down.out, /connection refused/);
    } finally {
      await local.get('other').start();
    }
  });

  test('placement: default allows the seed example, denies other namespaces; custom deny wins', async () => {
    const r = await registry();
    const check = checkPlacement(DEFAULT_PLACEMENT_POLICY, r);
    assert.equal(
      check({ workflowNamespace: 'argo', cluster: 'other', namespace: 'argo', serviceAccountName: 'workflow' }),
      undefined,
    );
    assert.equal(check({ workflowNamespace: 'argo', cluster: 'main', namespace: 'argo' }), undefined);
    assert.equal(
      check({ workflowNamespace: 'argo', cluster: 'other', namespace: 'batch' }),
      'placement denied: workflows in namespace "argo" may not run pods in "other.batch" (no policy rule allows it)',
    );
    assert.match(
      check({ workflowNamespace: 'argo', cluster: 'gpu', namespace: 'argo' })!,
      /cluster-namespace "gpu\.argo" not configured/,
    );
    const strict = loadPlacementPolicy(`
apiVersion: argosy.io/v1alpha1
kind: PlacementPolicy
spec:
  rules:
    - { namespaces: ["*"] }
    - { name: main-only, effect: Deny, clusters: [other], workflowNamespaces: [argo] }
`);
    assert.match(
      checkPlacement(strict, r)({ workflowNamespace: 'argo', cluster: 'other', namespace: 'argo' })!,
      /denied by policy rule 2 "main-only"/,
    );
    const e = await r.clientFor('gpu', 'argo').catch((x: unknown) => x);
    assert.ok(isClusterNotConfiguredError(e));
  });

  test('cluster add/list/rm with the aws-secretsmanager store (stand-in SDK client)', async () => {
    let secretString: string | undefined;
    const secretsManager = {
      send: async (cmd: { constructor: { name: string }; input: { SecretString?: string } }) => {
        if (cmd.constructor.name === 'GetSecretValueCommand') {
          if (secretString === undefined)
            throw Object.assign(new Error('missing'), { name: 'ResourceNotFoundException' });
          return { SecretString: secretString };
        }
        secretString = cmd.input.SecretString;
        return {};
      },
    } as unknown as ClusterCliIo['secretsManager'];
    const run = async (...argv: string[]) => {
      const io = { ...cliIo(env), secretsManager };
      const code = await runClusterCli(argv, io);
      return { code, out: io.stdout.join('\n') };
    };
    const add = await run('add', 'other/', 'other', '--store', 'aws-secretsmanager');
    assert.equal(add.code, 0);
    assert.match(add.out, /created AWS Secrets Manager secret rest-config/);
    const stored = JSON.parse(secretString!) as Record<string, { Host: string }>;
    assert.deepEqual(Object.keys(stored), ['other.']);
    assert.equal(stored['other.']!.Host, local.get('other').url);
    assert.match((await run('list', '--store', 'aws-secretsmanager')).out, /other\.\s+other\s+\*/);
    assert.equal((await run('rm', 'other.', '--store', 'aws-secretsmanager')).code, 0);
    assert.deepEqual(JSON.parse(secretString!), {});
  });

  test('the CLI runs as a subprocess (cluster-main.ts)', async () => {
    const res = await runSubprocess(['list', '--context', 'main'], env);
    captured.push(res.stdout, res.stderr);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /other\.argo\s+other\s+argo/);
    const bad = await runSubprocess(['add', 'nodot', 'other'], env);
    captured.push(bad.stdout, bad.stderr);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /error: invalid cluster key "nodot": dot delimiter missing, do you mean "nodot\."\?/);
  });

  test('no output or log line contains a credential', () => {
    assert.ok(captured.length > 20, 'the scan saw the output');
    for (const s of secrets) {
      assert.ok(s.length >= 8);
      const hit = captured.find((l) => l.includes(s));
      assert.equal(hit, undefined, 'a credential leaked into output/logs');
    }
  });
});
