// Argo's artifact examples through the whole local stack (embedded API servers, the process kubelet
// running Argo's executor stand-in, fauxqs serving SQS and S3, watcher, reconcile handler): the
// repository comes from ConfigMap artifact-repositories, outputs are uploaded by `wait` and read back
// by `init` of the consuming pod, in the same cluster and across clusters.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { adminClient, bucketObject, isDone } from '../pipeline/helpers.ts';

const UPSTREAM = join(import.meta.dirname, '../../../../shared/conformance/argo-upstream');
const upstream = (file: string): Workflow => parse(readFileSync(join(UPSTREAM, file), 'utf8')) as Workflow;
const nodesOf = (wf: Workflow): Map<string, NodeStatus> =>
  new Map(Object.values(wf.status?.nodes ?? {}).map((n) => [n.name.slice(wf.metadata.name!.length), n]));
const summary = (wf: Workflow) =>
  JSON.stringify({
    phase: wf.status?.phase,
    message: wf.status?.message,
    nodes: Object.values(wf.status?.nodes ?? {}).map((n) => [n.name, n.phase, n.message]),
  });

describe('artifacts on the local stack', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await startLocalStack({ runtime: 'process', resyncIntervalMs: 5000, visibilityTimeoutSeconds: 2 });
  });
  after(async () => {
    await stack?.stop();
  });

  async function run(wf: Workflow): Promise<Workflow> {
    const created = await stack.submit(wf, 'argo');
    return stack.waitFor('argo', created.metadata.name!, isDone, 90_000);
  }

  const object = (key: string) => bucketObject(stack, key);

  test('artifact-passing.yaml: tar.gz under <wf>/<pod>/hello-art.tgz, read back by the consumer', async () => {
    const wf = await run(upstream('examples__artifact-passing.yaml'));
    assert.equal(wf.status?.phase, 'Succeeded', summary(wf));
    const n = nodesOf(wf);
    const gen = n.get('[0].generate-artifact');
    const art = gen?.outputs?.artifacts?.find((a) => a.name === 'hello-art');
    const podName = `${wf.metadata.name}-hello-world-to-file-${gen?.id.split('-').pop()}`;
    assert.deepEqual(art, {
      name: 'hello-art',
      path: '/tmp/hello_world.txt',
      s3: { key: `${wf.metadata.name}/${podName}/hello-art.tgz` },
    });
    const bytes = await object(art!.s3!.key!);
    assert.ok(bytes && bytes[0] === 0x1f && bytes[1] === 0x8b, 'gzip object in the bucket');
    const consume = n.get('[1].consume-artifact');
    assert.equal(consume?.inputs?.artifacts?.[0]?.path, '/tmp/message');
    assert.equal(consume?.inputs?.artifacts?.[0]?.s3?.key, art!.s3!.key);
    assert.deepEqual(
      wf.status?.artifactRepositoryRef && {
        configMap: wf.status.artifactRepositoryRef.configMap,
        key: wf.status.artifactRepositoryRef.key,
        namespace: wf.status.artifactRepositoryRef.namespace,
      },
      { configMap: 'artifact-repositories', key: 'default-v1', namespace: 'argo' },
    );
  });
  test('examples/artifacts-across-clusters.yaml: main → other → main, the repository Secret never in status', async () => {
    const file = join(import.meta.dirname, '../../../examples/artifacts-across-clusters.yaml');
    const wf = await run(parse(readFileSync(file, 'utf8')) as Workflow);
    assert.equal(wf.status?.phase, 'Succeeded', summary(wf));
    const n = nodesOf(wf);
    assert.equal(n.get('[1].train')?.clusterName, 'other');
    const model = n.get('[1].train')?.outputs?.artifacts?.find((a) => a.name === 'model');
    assert.match(model?.s3?.key ?? '', /\/model\.txt$/, 'archive none: uploaded under its basename');
    assert.equal((await object(model!.s3!.key!))?.toString().trim(), '3');
    const data = n.get('[0].prepare')?.outputs?.artifacts?.find((a) => a.name === 'data');
    assert.match(data?.s3?.key ?? '', /\/data\.tgz$/);
    const publish = n.get('[2].publish');
    assert.deepEqual(
      publish?.inputs?.artifacts?.map((a) => [a.name, a.path, a.s3?.key]),
      [
        ['data', '/tmp/data', data?.s3?.key],
        ['model', '/tmp/model.txt', model?.s3?.key],
      ],
    );
    const admin = adminClient(stack, 'other');
    try {
      const secret = await admin.request<{ data: Record<string, string> }>({
        method: 'GET',
        path: '/api/v1/namespaces/argo/secrets/argosy-artifacts',
      });
      const text = JSON.stringify(wf);
      for (const v of Object.values(secret.data)) {
        assert.ok(!text.includes(Buffer.from(v, 'base64').toString()), 'no repository key in the workflow object');
      }
    } finally {
      admin.close();
    }
  });

  test('git input from a local repository (file://): the revision is checked out at the artifact path', async () => {
    const root = mkdtempSync(join(tmpdir(), 'argosy-git-'));
    const repo = join(root, 'repo');
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@x',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@x',
    };
    const git = (...args: string[]) => execFileSync('git', args, { env });
    try {
      git('init', '-q', '-b', 'main', repo);
      writeFileSync(join(repo, 'VERSION'), 'v2.1.1');
      git('-C', repo, 'add', '.');
      git('-C', repo, 'commit', '-qm', 'release');
      git('-C', repo, 'tag', 'v2.1.1');
      writeFileSync(join(repo, 'VERSION'), 'later');
      git('-C', repo, 'commit', '-qam', 'later');
      const wf = upstream('examples__input-artifact-git.yaml');
      const t = wf.spec.templates![0]!;
      t.inputs!.artifacts![0]!.git = { repo: `file://${repo}`, revision: 'v2.1.1' };
      // The example's image is golang with git; local mode stands in for alpine's sh.
      t.container = { image: 'alpine:3.23', command: ['sh', '-c'], args: ['cat VERSION > /tmp/v'], workingDir: '/src' };
      t.outputs = { parameters: [{ name: 'v', valueFrom: { path: '/tmp/v' } }] };
      const done = await run(wf);
      assert.equal(done.status?.phase, 'Succeeded', summary(done));
      const node = Object.values(done.status?.nodes ?? {}).find((n) => n.type === 'Pod');
      assert.equal(node?.outputs?.parameters?.[0]?.value, 'v2.1.1');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
