// `argosy doctor` against a whole local stack (embedded clusters, rest-config Secret, local SQS,
// poller, watcher with /healthz), found through dev.json as a user's `argosy` finds `argosy dev`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import { startControlServer } from '../../../src/cli/commands/dev.ts';
import type { LocalStack as CliLocalStack } from '../../../src/cli/lib/local-stack.ts';
import { writeDevState } from '../../../src/cli/lib/dev-state.ts';
import { makeDoctorCommand } from '../../../src/cli/commands/doctor.ts';

let stack: LocalStack;
let control: Server;
let home: string;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'argosy-doctor-'));
  process.env.ARGOSY_HOME = home;
  stack = await startLocalStack({ runtime: 'sim', resyncIntervalMs: 0, watcherHttp: { host: '127.0.0.1', port: 0 } });
  // Healthy means the watcher has listed once: wait for that, not for a lucky schedule.
  for (let i = 0; i < 200 && !stack.watcher!.ready(); i++) await new Promise((r) => setTimeout(r, 50));
  const started = await startControlServer(stack as unknown as CliLocalStack);
  control = started.server;
  writeDevState(home, {
    pid: process.pid,
    kubeconfigPath: stack.kubeconfigPath,
    mainContext: stack.mainCluster,
    mainCluster: stack.mainCluster,
    namespace: 'argo',
    clusters: ['main', 'other'],
    sqsEndpoint: stack.sqsEndpoint,
    queueUrls: stack.queueUrls,
    controlUrl: started.url,
    startedAt: new Date().toISOString(),
  });
});

after(async () => {
  control?.close();
  await stack?.stop();
  rmSync(home, { recursive: true, force: true });
});

async function doctor(args: string[] = []) {
  let out = '';
  let code: number | undefined;
  const cmd = makeDoctorCommand({
    io: { out: (t) => void (out += t), err: (t) => void (out += t), isTTY: false },
    setExitCode: (c) => void (code = c),
  });
  cmd.exitOverride();
  await cmd.parseAsync(['--watcher-url', stack.watcher!.url!, ...args], { from: 'user' });
  return { out, code };
}

describe('argosy doctor on the local stack', () => {
  test('a healthy stack: every check passes and the exit code is 0', async () => {
    const r = await doctor();
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /ok\s+work queue\s+0 waiting/);
    assert.match(r.out, /ok\s+dead letters\s+none/);
    assert.match(r.out, /ok\s+event source\s+local poller: Enabled/);
    assert.match(r.out, /ok\s+rest-config\s+Secret argosy-system\/rest-config: \d+ entr/);
    // The embedded server does not grant SelfSubjectAccessReview to restricted identities (real
    // clusters do, through system:basic-user), so the doctor falls back to listing a pod.
    assert.match(r.out, /(ok|WARN)\s+cluster other\.\S*\s+https:\/\/127\.0\.0\.\d+:\d+ .*may (manage|list) pods/);
    assert.match(r.out, /ok\s+workflow CRD\s+keeps templates' clusterName and namespace/);
    assert.match(r.out, /ok\s+watcher\s+http:\/\/127\.0\.0\.1:\d+\/healthz: 200/);
    assert.match(
      r.out,
      /ok\s+artifacts argo\/default-v1\s+s3 127\.0\.0\.1:\d+\/argosy-artifacts: reachable from here, keys accepted/,
    );
    assert.match(r.out, /no problems found/);
    assert.doesNotMatch(r.out, /FAIL/);
  });

  test('an artifact repository whose Secret is missing, or whose bucket is gone, fails with what to create', async () => {
    const path = '/api/v1/namespaces/argo/secrets/argosy-artifacts';
    const secret = await stack.mainClient.request<Record<string, unknown>>({ method: 'GET', path });
    await stack.mainClient.request({ method: 'DELETE', path });
    try {
      const r = await doctor(['--no-clusters']);
      assert.equal(r.code, 1, r.out);
      assert.match(
        r.out,
        /FAIL\s+artifacts argo\/default-v1\s+s3 \S+\/argosy-artifacts: Secret argo\/argosy-artifacts \(key accesskey\) does not exist/,
      );
      assert.match(r.out, /create Secret argosy-artifacts with key accesskey in namespace argo of every cluster/);
      const values = Object.values((secret.data ?? {}) as Record<string, string>).map((v) =>
        Buffer.from(v, 'base64').toString(),
      );
      for (const v of values) assert.ok(!r.out.includes(v), 'no key in the output');
    } finally {
      const { metadata, ...rest } = secret as { metadata: Record<string, unknown> };
      await stack.mainClient.request({
        method: 'POST',
        path: '/api/v1/namespaces/argo/secrets',
        body: { ...rest, metadata: { name: metadata.name, namespace: 'argo' } },
      });
    }
  });

  test('an unreachable cluster is reported with networking advice and exit 1', async () => {
    const other = stack.clusters.get('other');
    await other.stop();
    try {
      const r = await doctor();
      assert.equal(r.code, 1);
      assert.match(r.out, /FAIL\s+cluster other\.\S*\s+https:\/\/127\.0\.0\.\d+:\d+: unreachable/);
      assert.match(r.out, /security groups/);
    } finally {
      await other.start();
    }
  });

  test('a Running workflow with a refused pod create is reported with the server message', async () => {
    const wf = await stack.submit(
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { generateName: 'stuck-' },
        spec: {
          entrypoint: 'main',
          templates: [
            {
              name: 'main',
              steps: [
                [
                  { name: 'refused', template: 'nosa', continueOn: { error: true } },
                  { name: 'long', template: 'long' },
                ],
              ],
            },
            { name: 'nosa', serviceAccountName: 'missing', container: { image: 'argoproj/argosay:v2' } },
            {
              name: 'long',
              metadata: { annotations: { 'sim.argosy.io/duration': '600s' } },
              container: { image: 'argoproj/argosay:v2' },
            },
          ],
        },
      },
      'argo',
    );
    const name = wf.metadata.name!;
    await stack.waitFor(
      'argo',
      name,
      (w) => Object.values(w.status?.nodes ?? {}).some((n) => n.phase === 'Error' && n.type === 'Pod'),
      20_000,
    );
    const r = await doctor(['--no-clusters']);
    assert.equal(r.code, 1, r.out);
    assert.match(
      r.out,
      new RegExp(
        `FAIL\\s+workflows\\s+argo/${name} is Running; node refused: pod create refused by main/argo: pods ".*" is forbidden: error looking up service account argo/missing`,
      ),
    );
    await stack.mainClient.request({
      method: 'DELETE',
      path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/${name}`,
    });
  });
});
