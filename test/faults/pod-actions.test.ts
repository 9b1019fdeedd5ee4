// Pod deletes and completed labels the target API server refuses (issue 13): they used to throw out
// of the reconcile, so the status was never written and the same failure was retried until the
// message went to the DLQ — the workflow stayed Running with no word. Now the outcome goes to the
// engine: the pod's node says what failed, a Warning event is recorded, and the workflow finishes.
// The rest-config entry for other/argo is an identity that may create pods there but not patch or
// delete them. Real API servers, kubelet (sim), watcher and queue.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus, Workflow } from '../../src/engine/types.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { REMOTE_RULES } from '../../src/local/cluster-setup.ts';
import { captureLog, faultStack, isDone, type CapturedLog } from './helpers.ts';

const REST_CONFIG = '/api/v1/namespaces/argosy-system/secrets/rest-config';
const remote = { clusterName: 'other', namespace: 'argo', serviceAccountName: 'workflow' };
const container = { image: 'argoproj/argosay:v2' };

function wf(name: string, spec: Partial<Workflow['spec']>): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${name}-` },
    spec: { entrypoint: 'main', ...spec },
  } as Workflow;
}

const byDisplayName = (w: Workflow, name: string): NodeStatus | undefined =>
  Object.values(w.status?.nodes ?? {}).find((n) => n.displayName === name);

describe('pod deletes and labels refused by the API server', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  before(async () => {
    log = captureLog();
    stack = await faultStack(log, { maxReceiveCount: 3 });
    const other = stack.clusters.get('other');
    const rules = REMOTE_RULES.map((r) =>
      r.resources.includes('pods') ? { ...r, verbs: r.verbs.filter((v) => v !== 'patch' && v !== 'delete') } : r,
    );
    const limited = other.createIdentity('no-patch-no-delete', rules);
    const entry = { Host: other.url, BearerToken: limited.token, TLSClientConfig: { CAData: b64(other.caPem) } };
    await stack.mainClient.request({
      method: 'PATCH',
      path: REST_CONFIG,
      contentType: 'application/merge-patch+json',
      body: { data: { 'other.argo': b64(JSON.stringify(entry)) } },
    });
    await stack.registry.refresh(true);
  });
  after(async () => {
    await stack?.stop();
  });

  async function events(name: string): Promise<{ reason: string; type: string; message: string }[]> {
    const list = await stack.mainClient.request<{
      items: { reason: string; type: string; message: string; involvedObject: { name: string } }[];
    }>({ method: 'GET', path: '/api/v1/namespaces/argo/events' });
    return list.items.filter((e) => e.involvedObject.name === name);
  }

  /**
   * The workflow's events once one has `reason`, or all of them after 20 s: events are written after
   * the workflow (src/runtime/reconcile.ts), so reading them the moment it looks done would race.
   */
  async function eventsWith(
    name: string,
    reason: string,
  ): Promise<{ reason: string; type: string; message: string }[]> {
    for (const end = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 100))) {
      const ev = await events(name);
      if (ev.some((e) => e.reason === reason) || Date.now() > end) return ev;
    }
  }

  test('a completed label refused: the node says so, an event names it, the workflow Succeeds', async () => {
    const c = await stack.submit(
      wf('label', {
        templates: [
          { name: 'main', steps: [[{ name: 'away', template: 'away' }], [{ name: 'here', template: 'here' }]] },
          { name: 'away', ...remote, container },
          { name: 'here', metadata: { annotations: { 'sim.argosy.io/duration': '1s' } }, container },
        ],
      } as never),
      'argo',
    );
    const done = await stack.waitFor('argo', c.metadata.name!, isDone, 45_000);
    assert.equal(done.status?.phase, 'Succeeded', done.status?.message);
    const away = byDisplayName(done, 'away');
    assert.equal(away?.phase, 'Succeeded');
    assert.match(
      away?.message ?? '',
      /^pod \S+ could not be labelled completed in other\/argo: .*forbidden.*\(refused\)$/,
    );
    const ev = await eventsWith(done.metadata.name!, 'WorkflowPodLabelFailed');
    assert.ok(
      ev.some((e) => e.reason === 'WorkflowPodLabelFailed' && e.type === 'Warning'),
      JSON.stringify(ev),
    );
  });

  test('a pod delete refused after the deadline: the workflow ends Failed and is completed, naming the pod', async () => {
    const c = await stack.submit(
      wf('stop', {
        activeDeadlineSeconds: 2,
        templates: [
          {
            name: 'main',
            ...remote,
            metadata: { annotations: { 'sim.argosy.io/duration': '120s' } },
            container,
          },
        ],
      } as never),
      'argo',
    );
    const done = await stack.waitFor(
      'argo',
      c.metadata.name!,
      (w) => w.metadata.labels?.['workflows.argoproj.io/completed'] === 'true',
      45_000,
    );
    assert.equal(done.status?.phase, 'Failed');
    const node = Object.values(done.status?.nodes ?? {}).find((n) => n.type === 'Pod');
    assert.match(
      node?.message ?? '',
      /could not be deleted in other\/argo: .*forbidden.*\(refused; delete it once the cause is fixed\)$/,
    );
    const ev = await eventsWith(done.metadata.name!, 'WorkflowPodDeleteFailed');
    assert.ok(
      ev.some((e) => e.reason === 'WorkflowPodDeleteFailed' && e.type === 'Warning'),
      JSON.stringify(ev),
    );
    assert.equal(log.find(/reconcile failed/).length, 0, 'no reconcile failed on the refusal');
  });

  const completed = (w: Workflow) => w.metadata.labels?.['workflows.argoproj.io/completed'] === 'true';

  test('a podGC delete refused at completion: the node and an event name pod, place and error; completed', async () => {
    const c = await stack.submit(
      wf('gc-refused', {
        podGC: { strategy: 'OnWorkflowCompletion' },
        templates: [{ name: 'main', ...remote, container }],
      } as never),
      'argo',
    );
    const done = await stack.waitFor('argo', c.metadata.name!, completed, 45_000);
    assert.equal(done.status?.phase, 'Succeeded', done.status?.message);
    const node = Object.values(done.status?.nodes ?? {}).find((n) => n.type === 'Pod');
    assert.match(
      node?.message ?? '',
      /^pod \S+ could not be deleted in other\/argo: .*forbidden.*\(refused; delete it once the cause is fixed\)$/,
    );
    const ev = await eventsWith(done.metadata.name!, 'WorkflowPodDeleteFailed');
    assert.ok(
      ev.some(
        (e) =>
          e.reason === 'WorkflowPodDeleteFailed' && /could not be deleted in other\/argo: .*forbidden/.test(e.message),
      ),
      JSON.stringify(ev),
    );
  });

  test('a podGC delete failing for now (injected 503) is retried with backoff until the pod is gone', async () => {
    const main = stack.clusters.get('main').server;
    let refusals = 0;
    main.fault = (req) => {
      if (req.method !== 'DELETE' || !/^\/api\/v1\/namespaces\/argo\/pods\/gc-retry-/.test(req.path) || refusals >= 2)
        return undefined;
      refusals++;
      return { code: 503, reason: 'ServiceUnavailable', message: 'injected: etcd unavailable' };
    };
    try {
      const c = await stack.submit(
        wf('gc-retry', {
          podGC: { strategy: 'OnWorkflowCompletion' },
          templates: [{ name: 'main', container }],
        } as never),
        'argo',
      );
      const name = c.metadata.name!;
      const done = await stack.waitFor('argo', name, completed, 45_000);
      assert.equal(done.status?.phase, 'Succeeded', done.status?.message);
      assert.equal(refusals, 2, 'both injected failures were met');
      const pods = await stack.mainClient.request<{ items: { metadata: { deletionTimestamp?: string } }[] }>({
        method: 'GET',
        path: '/api/v1/namespaces/argo/pods',
        query: { labelSelector: `workflows.argoproj.io/workflow=${name}` },
      });
      assert.ok(
        pods.items.every((p) => p.metadata.deletionTimestamp),
        'no pod of the workflow is left',
      );
      assert.equal(done.status?.effectRetries, undefined, 'no retry left in the status');
      const ev = await eventsWith(name, 'WorkflowPodDeleteFailed');
      assert.ok(
        ev.some((e) => /injected: etcd unavailable \(will be retried\)/.test(e.message)),
        JSON.stringify(ev),
      );
    } finally {
      main.fault = undefined;
    }
  });

  test('claim deletes: a 503 is retried until the claim is gone; a refusal is named in an event, the claim kept', async () => {
    const main = stack.clusters.get('main').server;
    let unavailable = 0;
    main.fault = (req) => {
      if (req.method !== 'DELETE' || !req.path.includes('/persistentvolumeclaims/')) return undefined;
      if (req.path.includes('/claim-kept-'))
        return { code: 403, reason: 'Forbidden', message: 'injected: claims are kept here' };
      if (unavailable >= 1) return undefined;
      unavailable++;
      return { code: 503, reason: 'ServiceUnavailable', message: 'injected: etcd unavailable' };
    };
    const claimed = (prefix: string) =>
      wf(prefix, {
        volumeClaimGC: { strategy: 'OnWorkflowCompletion' },
        volumeClaimTemplates: [
          {
            metadata: { name: 'work' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Mi' } } },
          },
        ],
        templates: [
          { name: 'main', container: { ...container, volumeMounts: [{ name: 'work', mountPath: '/work' }] } },
        ],
      } as never);
    const claims = async (name: string) =>
      (
        await stack.mainClient.request<{ items: { metadata: { name: string; deletionTimestamp?: string } }[] }>({
          method: 'GET',
          path: '/api/v1/namespaces/argo/persistentvolumeclaims',
        })
      ).items.filter((c) => c.metadata.name === `${name}-work` && !c.metadata.deletionTimestamp);
    try {
      const retried = await stack.submit(claimed('claim-retry'), 'argo');
      const done = await stack.waitFor('argo', retried.metadata.name!, completed, 45_000);
      assert.equal(done.status?.phase, 'Succeeded', done.status?.message);
      assert.equal(unavailable, 1, 'the injected failure was met');
      assert.deepEqual(await claims(done.metadata.name!), [], 'the claim is gone');
      assert.equal(done.status?.persistentVolumeClaims, undefined);
      assert.equal(log.find(/reconcile failed/).length, 0, 'the failure was decided, not thrown to the queue');

      const kept = await stack.submit(claimed('claim-kept'), 'argo');
      const end = await stack.waitFor('argo', kept.metadata.name!, completed, 45_000);
      assert.equal(end.status?.phase, 'Succeeded', end.status?.message);
      assert.equal((await claims(end.metadata.name!)).length, 1, 'the refused claim is still there');
      assert.deepEqual(
        end.status?.persistentVolumeClaims?.map((c) => c.persistentVolumeClaim.claimName),
        [`${end.metadata.name}-work`],
      );
      const ev = await eventsWith(end.metadata.name!, 'WorkflowClaimDeleteFailed');
      assert.ok(
        ev.some(
          (e) =>
            e.message ===
            `persistentvolumeclaim ${end.metadata.name}-work could not be deleted in main/argo: injected: claims are kept here (refused)`,
        ),
        JSON.stringify(ev),
      );
    } finally {
      main.fault = undefined;
    }
  });
});

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}
