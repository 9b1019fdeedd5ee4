// The local kubelet's probes on real processes: an exec readiness probe runs in the container (its /tmp)
// and makes it ready; a failing exec liveness probe kills the container, then the pod's restartPolicy
// decides (Never: the pod Fails with the killed container's 143; Always: it restarts), with the kubelet's
// Unhealthy and Killing events.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalClusters, type LocalCluster, type LocalClusters } from '../../../src/local/clusters.ts';
import { eventually, raw } from './helpers.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const pod = (name: string, restartPolicy: string, container: Obj): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    restartPolicy,
    terminationGracePeriodSeconds: 1,
    containers: [{ name: 'main', image: 'alpine:3.23', ...container }],
  },
});

describe('kubelet probes (process runtime)', () => {
  let lc: LocalClusters;
  let c: LocalCluster;
  before(async () => {
    lc = await startLocalClusters({ names: ['main'], crds: false });
    c = lc.get('main');
  });
  after(() => lc.stop());

  const create = async (body: Obj) => {
    const r = await raw(c, 'POST', '/api/v1/namespaces/default/pods', body);
    assert.equal(r.status, 201, r.text);
  };
  const get = async (name: string): Promise<Obj> =>
    (await raw(c, 'GET', `/api/v1/namespaces/default/pods/${name}`)).json;
  const events = async (name: string): Promise<string[]> =>
    ((await raw(c, 'GET', '/api/v1/namespaces/default/events')).json.items as Obj[])
      .filter((e) => e.involvedObject.name === name)
      .map((e) => `${e.type} ${e.reason} ${e.message}`);

  test('exec readiness runs in the container: ready once its file exists', async () => {
    await create(
      pod('exec-ready', 'Never', {
        command: ['sh', '-c', 'sleep 1; touch /tmp/ready; sleep 60'],
        readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
      }),
    );
    const ready = await eventually(
      async () => {
        const p = await get('exec-ready');
        return p.status?.containerStatuses?.[0]?.ready === true ? p : undefined;
      },
      30_000,
      'ready',
    );
    assert.equal(ready.status.conditions.find((x: Obj) => x.type === 'Ready').status, 'True');
    await raw(c, 'DELETE', '/api/v1/namespaces/default/pods/exec-ready');
  });

  test('failed exec liveness, restartPolicy Never: the container is killed and the pod Fails', async () => {
    await create(
      pod('live-never', 'Never', {
        command: ['sh', '-c', 'touch /tmp/alive; sleep 1; rm /tmp/alive; sleep 60'],
        livenessProbe: {
          exec: { command: ['cat', '/tmp/alive'] },
          initialDelaySeconds: 2,
          periodSeconds: 1,
          failureThreshold: 2,
        },
      }),
    );
    const failed = await eventually(
      async () => {
        const p = await get('live-never');
        return ['Failed', 'Succeeded'].includes(p.status?.phase) ? p : undefined;
      },
      30_000,
      'pod ended',
    );
    assert.equal(failed.status.phase, 'Failed');
    assert.equal(failed.status.containerStatuses[0].state.terminated.exitCode, 143);
    const seen = await events('live-never');
    assert.ok(
      seen.some((e) => /^Warning Unhealthy Liveness probe failed: \S*cat: .*alive: No such file/.test(e)),
      seen.join('\n'),
    );
    assert.ok(seen.includes('Normal Killing Container main failed liveness probe'), seen.join('\n'));
  });

  test('failed exec liveness, restartPolicy Always: the container is restarted', async () => {
    await create(
      pod('live-always', 'Always', {
        command: ['sleep', '60'],
        livenessProbe: { exec: { command: ['false'] }, periodSeconds: 1, failureThreshold: 1 },
      }),
    );
    const restarted = await eventually(
      async () => {
        const p = await get('live-always');
        return p.status?.containerStatuses?.[0]?.restartCount >= 1 ? p : undefined;
      },
      30_000,
      'restarted',
    );
    assert.equal(restarted.status.containerStatuses[0].lastState.terminated.exitCode, 143);
    const seen = await events('live-always');
    assert.ok(seen.includes('Normal Killing Container main failed liveness probe, will be restarted'), seen.join('\n'));
    await raw(c, 'DELETE', '/api/v1/namespaces/default/pods/live-always');
  });
});
