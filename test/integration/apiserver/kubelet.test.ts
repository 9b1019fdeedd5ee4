// The local kubelet: argosay semantics, exit codes and termination messages, activeDeadlineSeconds,
// images the host cannot stand in for, deletion killing the process group, env from secrets and the
// downward API, /tmp privacy per pod, pod phase/condition transitions seen through a watch, and the
// sim runtime driven by annotations.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startLocalClusters, type LocalCluster, type LocalClusters } from '../../../src/local/clusters.ts';
import { eventually, raw } from './helpers.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function podBody(name: string, container: Obj, spec: Obj = {}, annotations?: Record<string, string>): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: { restartPolicy: 'Never', containers: [{ name: 'main', ...container }], ...spec },
  };
}

async function createPod(c: LocalCluster, body: Obj): Promise<Obj> {
  const r = await raw(c, 'POST', '/api/v1/namespaces/default/pods', body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function getPod(c: LocalCluster, name: string): Promise<Obj | undefined> {
  const r = await raw(c, 'GET', `/api/v1/namespaces/default/pods/${name}`);
  return r.status === 200 ? r.json : undefined;
}

async function waitPhase(c: LocalCluster, name: string, phases: string[], timeoutMs = 15_000): Promise<Obj> {
  return eventually(
    async () => {
      const p = await getPod(c, name);
      return p && phases.includes(p.status?.phase) ? p : undefined;
    },
    timeoutMs,
    `${name} in ${phases.join('/')}`,
  );
}

describe('kubelet (process runtime)', () => {
  let lc: LocalClusters;
  let c: LocalCluster;
  before(async () => {
    lc = await startLocalClusters({ names: ['main'], crds: false });
    c = lc.get('main');
  });
  after(() => lc.stop());

  test('argosay:v2 with no args logs "hello argo" and Succeeds, through the real phase sequence', async () => {
    const list = await raw(c, 'GET', '/api/v1/namespaces/default/pods');
    const phases: string[] = [];
    const watchDone = raw(
      c,
      'GET',
      `/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=3&resourceVersion=${list.json.metadata.resourceVersion}&fieldSelector=metadata.name%3Dhello`,
    ).then((r) => {
      for (const line of r.text.split('\n').filter(Boolean)) {
        const e = JSON.parse(line);
        const p = e.object.status?.phase;
        if (phases[phases.length - 1] !== p) phases.push(p);
      }
    });
    await createPod(c, podBody('hello', { image: 'argoproj/argosay:v2' }));
    const pod = await waitPhase(c, 'hello', ['Succeeded', 'Failed']);
    assert.equal(pod.status.phase, 'Succeeded');
    assert.equal(pod.spec.nodeName, 'main-node');
    const cs = pod.status.containerStatuses[0];
    assert.equal(cs.state.terminated.exitCode, 0);
    assert.equal(cs.state.terminated.reason, 'Completed');
    const ready = pod.status.conditions.find((x: Obj) => x.type === 'Ready');
    assert.equal(ready.status, 'False');
    assert.equal(ready.reason, 'PodCompleted');
    const log = await raw(c, 'GET', '/api/v1/namespaces/default/pods/hello/log');
    assert.equal(log.text, 'hello argo\n');
    await watchDone;
    assert.deepEqual(phases, ['Pending', 'Running', 'Succeeded']);
  });

  test('args [exit, "1"] fails with exitCode 1; a single "exit 1" argument also fails (catch-all)', async () => {
    await createPod(c, podBody('exit1', { image: 'argoproj/argosay:v2', args: ['exit', '1'] }));
    await createPod(c, podBody('exit-str', { image: 'argoproj/argosay:v2', args: ['exit 1'] }));
    for (const name of ['exit1', 'exit-str']) {
      const pod = await waitPhase(c, name, ['Succeeded', 'Failed']);
      assert.equal(pod.status.phase, 'Failed');
      assert.equal(pod.status.containerStatuses[0].state.terminated.exitCode, 1);
      assert.equal(pod.status.containerStatuses[0].state.terminated.reason, 'Error');
    }
  });

  test('sh -c commands, termination messages, env from secrets and the downward API, private /tmp', async () => {
    await raw(c, 'POST', '/api/v1/namespaces/default/secrets', {
      metadata: { name: 'creds' },
      stringData: { user: 'alice' },
    });
    const script =
      'echo "$WHO in $NS" && echo out > /tmp/result && cat /tmp/result && printf done > /dev/termination-log';
    await createPod(
      c,
      podBody('shell', {
        image: 'alpine:3.23',
        command: ['sh', '-c'],
        args: [script],
        env: [
          { name: 'WHO', valueFrom: { secretKeyRef: { name: 'creds', key: 'user' } } },
          { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        ],
      }),
    );
    const pod = await waitPhase(c, 'shell', ['Succeeded', 'Failed']);
    const log = await raw(c, 'GET', '/api/v1/namespaces/default/pods/shell/log');
    assert.equal(log.text, 'alice in default\nout\n');
    assert.equal(pod.status.phase, 'Succeeded');
    assert.equal(pod.status.containerStatuses[0].state.terminated.message, 'done');
    assert.equal(existsSync('/tmp/result'), false, '/tmp in a pod is private to the pod');
    const tail = await raw(c, 'GET', '/api/v1/namespaces/default/pods/shell/log?tailLines=1&limitBytes=2');
    assert.equal(tail.text, 'ou');
  });

  test('activeDeadlineSeconds fails the pod with DeadlineExceeded', async () => {
    await createPod(c, podBody('slow', { image: 'busybox', command: ['sleep', '60'] }, { activeDeadlineSeconds: 1 }));
    const pod = await waitPhase(c, 'slow', ['Failed', 'Succeeded']);
    assert.equal(pod.status.phase, 'Failed');
    assert.equal(pod.status.reason, 'DeadlineExceeded');
    assert.equal(pod.status.message, 'Pod was active on the node longer than the specified deadline');
  });

  test('an image the host cannot stand in for waits in ErrImagePull', async () => {
    await createPod(c, podBody('nginx', { image: 'redis:7.2' }));
    const pod = await eventually(
      async () => {
        const p = await getPod(c, 'nginx');
        return p?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull' ? p : undefined;
      },
      5000,
      'ErrImagePull',
    );
    assert.equal(pod.status.phase, 'Pending');
    assert.match(pod.status.containerStatuses[0].state.waiting.message, /redis:7\.2/);
    const logs = await raw(c, 'GET', '/api/v1/namespaces/default/pods/nginx/log');
    assert.equal(logs.status, 400);
    assert.match(logs.json.message, /container "main" in pod "nginx" is waiting to start/);
  });

  test('a pod whose image local mode can never run fails with a message once the back-off was shown', async () => {
    const own = await startLocalClusters({ names: ['main'], crds: false, unpullableGiveUpMs: 200 });
    try {
      const oc = own.get('main');
      await createPod(
        oc,
        podBody(
          'side',
          { image: 'busybox', command: ['sleep', '1'] },
          {
            containers: [
              { name: 'main', image: 'busybox', command: ['true'] },
              { name: 'influxdb', image: 'influxdb:2.7', command: ['influxd'] },
            ],
          },
        ),
      );
      const pod = await waitPhase(oc, 'side', ['Failed', 'Succeeded']);
      assert.equal(pod.status.phase, 'Failed');
      assert.equal(pod.status.reason, 'ErrImagePull');
      assert.match(
        pod.status.message,
        /^container influxdb cannot start on this local node: .*influxdb:2\.7.*local mode/,
      );
      // The kubelet lists regular containers' statuses by name, as a real one does.
      assert.deepEqual(
        pod.status.containerStatuses.map((x: Obj) => x.name),
        ['influxdb', 'main'],
      );
    } finally {
      await own.stop();
    }
  });

  test('deleting a running pod kills its process group, then the pod is removed', async () => {
    await createPod(c, podBody('sleeper', { image: 'busybox', command: ['sh', '-c', 'echo started; sleep 300'] }));
    await eventually(
      async () => (await raw(c, 'GET', '/api/v1/namespaces/default/pods/sleeper/log')).text === 'started\n',
      10_000,
      'started',
    );
    const del = await raw(c, 'DELETE', '/api/v1/namespaces/default/pods/sleeper');
    assert.equal(del.status, 200);
    assert.ok(del.json.metadata.deletionTimestamp, 'graceful deletion marks the pod first');
    await eventually(async () => (await getPod(c, 'sleeper')) === undefined, 10_000, 'pod removal');
  });

  test('restartPolicy OnFailure restarts a failed container; the previous log stays readable', async () => {
    const script = 'if [ -f /tmp/once ]; then echo second; exit 0; fi; touch /tmp/once; echo first; exit 1';
    await createPod(
      c,
      podBody('retry', { image: 'busybox', command: ['sh', '-c', script] }, { restartPolicy: 'OnFailure' }),
    );
    const pod = await waitPhase(c, 'retry', ['Succeeded', 'Failed']);
    assert.equal(pod.status.phase, 'Succeeded');
    const cs = pod.status.containerStatuses[0];
    assert.equal(cs.restartCount, 1);
    assert.equal(cs.lastState.terminated.exitCode, 1);
    assert.equal((await raw(c, 'GET', '/api/v1/namespaces/default/pods/retry/log')).text, 'second\n');
    assert.equal((await raw(c, 'GET', '/api/v1/namespaces/default/pods/retry/log?previous=true')).text, 'first\n');
  });

  test('restartPolicy Always keeps a completed container restarting (CrashLoopBackOff), pod Running', async () => {
    await createPod(c, podBody('always', { image: 'busybox', command: ['echo', 'hi'] }, { restartPolicy: 'Always' }));
    const pod = await eventually(
      async () => {
        const p = await getPod(c, 'always');
        return p?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
      },
      10_000,
      'CrashLoopBackOff',
    );
    assert.equal(pod.status.phase, 'Running');
    assert.equal(pod.status.containerStatuses[0].restartCount, 2);
    assert.equal(pod.status.containerStatuses[0].lastState.terminated.reason, 'Completed');
    await raw(c, 'DELETE', '/api/v1/namespaces/default/pods/always');
    await eventually(async () => (await getPod(c, 'always')) === undefined, 10_000, 'removal');
  });

  test('follow streams logs until the container exits', async () => {
    await createPod(
      c,
      podBody('ticker', { image: 'busybox', command: ['sh', '-c', 'for i in 1 2 3; do echo $i; sleep 0.1; done'] }),
    );
    await eventually(async () => (await getPod(c, 'ticker'))?.status?.phase === 'Running', 10_000, 'running');
    const followed = await raw(c, 'GET', '/api/v1/namespaces/default/pods/ticker/log?follow=true');
    assert.equal(followed.text, '1\n2\n3\n');
  });
});

describe('kubelet (sim runtime)', () => {
  let lc: LocalClusters;
  before(async () => {
    lc = await startLocalClusters({
      names: ['sim', 'slow'],
      runtime: 'sim',
      crds: false,
      simDefaults: { durationMs: 1 },
      perCluster: { slow: { simDefaults: { durationMs: 1, exitCode: 7 } } },
    });
  });
  after(() => lc.stop());

  test('per-cluster sim defaults', async () => {
    const slow = lc.get('slow');
    await createPod(slow, podBody('seven', { image: 'x' }));
    const pod = await waitPhase(slow, 'seven', ['Failed', 'Succeeded']);
    assert.equal(pod.status.containerStatuses[0].state.terminated.exitCode, 7);
    assert.equal(pod.spec.nodeName, 'slow-node');
  });

  test('scheduling: a nodeSelector no node matches leaves the pod Unschedulable; other schedulers are left alone', async () => {
    const c = lc.get('sim');
    await createPod(c, podBody('picky', { image: 'x' }, { nodeSelector: { disktype: 'ssd' } }));
    await createPod(c, podBody('elsewhere', { image: 'x' }, { schedulerName: 'my-scheduler' }));
    await createPod(c, podBody('fits', { image: 'x' }, { nodeSelector: { 'kubernetes.io/hostname': 'sim-node' } }));
    await waitPhase(c, 'fits', ['Succeeded']);
    const picky = await eventually(
      async () => {
        const p = await getPod(c, 'picky');
        return p?.status?.conditions?.find((x: Obj) => x.type === 'PodScheduled' && x.status === 'False')
          ? p
          : undefined;
      },
      5000,
      'Unschedulable',
    );
    const cond = picky.status.conditions.find((x: Obj) => x.type === 'PodScheduled');
    assert.equal(cond.reason, 'Unschedulable');
    assert.match(cond.message, /^0\/1 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector/);
    assert.equal(picky.status.phase, 'Pending');
    assert.equal(picky.spec.nodeName, undefined);
    const elsewhere = await getPod(c, 'elsewhere');
    assert.equal(elsewhere?.spec.nodeName, undefined);
    for (const n of ['picky', 'elsewhere', 'fits']) await raw(c, 'DELETE', `/api/v1/namespaces/default/pods/${n}`);
  });

  test('durations, exit codes and logs come from annotations; many pods complete', async () => {
    const c = lc.get('sim');
    await createPod(
      c,
      podBody(
        'fail',
        { image: 'anything:latest' },
        {},
        { 'sim.argosy.io/exit-code': '3', 'sim.argosy.io/duration': '20ms', 'sim.argosy.io/log': 'simulated' },
      ),
    );
    const failed = await waitPhase(c, 'fail', ['Failed', 'Succeeded']);
    assert.equal(failed.status.phase, 'Failed');
    assert.equal(failed.status.containerStatuses[0].state.terminated.exitCode, 3);
    assert.equal((await raw(c, 'GET', '/api/v1/namespaces/default/pods/fail/log')).text, 'simulated\n');
    await Promise.all(Array.from({ length: 50 }, (_, i) => createPod(c, podBody(`bulk-${i}`, { image: 'x' }))));
    await eventually(
      async () => {
        const list = await raw(c, 'GET', '/api/v1/namespaces/default/pods?fieldSelector=status.phase%3DSucceeded');
        return list.json.items.length === 50;
      },
      15_000,
      '50 succeeded pods',
    );
    const dc = await raw(c, 'DELETE', '/api/v1/namespaces/default/pods?labelSelector=');
    assert.equal(dc.status, 200);
    assert.equal((await raw(c, 'GET', '/api/v1/namespaces/default/pods')).json.items.length, 0);
  });
});
