// HTTP templates through the whole local stack against a loopback HTTP server: the request is made by
// the agent pod (the local `argoexec agent` stand-in) in the node's cluster and namespace with the
// workflow's ServiceAccount, so secret headers are read with the workflow's rights (docs/adr/0015);
// Argo's examples reach Argo's phase; the secret never reaches status, events or logs; placement applies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { isNotFound } from '../../../src/adapters/kube/errors.ts';
import { parseWorkflows } from '../../../src/engine/parse.ts';
import { adminClient, isDone } from './helpers.ts';

const TOKEN = 's3cr3t-token-value';
const nodes = (wf: Workflow): NodeStatus[] => Object.values(wf.status?.nodes ?? {});
const byDisplay = (wf: Workflow, name: string) => nodes(wf).find((n) => n.displayName === name);
const explain = (wf: Workflow) => JSON.stringify(nodes(wf).map((n) => [n.displayName, n.phase, n.message]));
const UPSTREAM = join(import.meta.dirname, '../../../../shared/conformance/argo-upstream');

/** A loopback server standing in for the services Argo's examples call. */
function startServer(): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      const path = req.url ?? '';
      if (path.startsWith('/slow')) return; // never answers: the template's timeoutSeconds ends it
      if (path.startsWith('/status/')) res.writeHead(Number(path.slice(8))).end(`status ${path.slice(8)}`);
      else if (path.startsWith('/missing')) res.writeHead(404).end('404: Not Found');
      else if (path.startsWith('/google')) res.writeHead(200, { Server: 'gws' }).end('<html>google</html>');
      else if (path.startsWith('/secure'))
        res
          .writeHead(req.headers.authorization === `Bearer ${TOKEN}` ? 200 : 401)
          .end(req.headers.authorization === `Bearer ${TOKEN}` ? 'authorized' : 'unauthorized');
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ method: req.method, body }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }),
    ),
  );
}

/** An Argo example with its external URLs pointed at the loopback server. */
function example(file: string, url: string): Workflow {
  const text = readFileSync(join(UPSTREAM, file), 'utf8')
    .replace(/https:\/\/raw\.githubusercontent\.com\/argoproj\/argo-workflows\/4e450e[^"]*/, `${url}/swagger.json`)
    .replace(/https:\/\/raw\.githubusercontent\.com\/argoproj\/argo-workflows\/thisisnotahash[^"]*/, `${url}/missing`)
    .replace('https://httpbin.org/status/201', `${url}/status/201`)
    .replace('https://google.com', `${url}/google`);
  const { workflows, errors } = parseWorkflows(text, file);
  assert.deepEqual(errors, []);
  return workflows[0]!;
}

describe('HTTP templates on the local stack', () => {
  let stack: LocalStack;
  let srv: Awaited<ReturnType<typeof startServer>>;
  const run = async (wf: Workflow) => {
    const created = await stack.submit(wf, 'argo');
    return stack.waitFor('argo', created.metadata.name!, isDone, 90_000);
  };
  before(async () => {
    srv = await startServer();
    stack = await startLocalStack({ runtime: 'process', resyncIntervalMs: 5000, visibilityTimeoutSeconds: 2 });
    const admin = adminClient(stack, 'main');
    try {
      await admin.request({
        method: 'POST',
        path: '/api/v1/namespaces/argo/secrets',
        body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api' }, stringData: { token: `Bearer ${TOKEN}` } },
      });
      await admin.request({
        method: 'POST',
        path: '/api/v1/namespaces/argo/serviceaccounts',
        body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader' } },
      });
    } finally {
      admin.close();
    }
    // `reader` may read Secrets (and run the agent); `default` may only run the agent (infra/k8s/workflow-rbac).
    stack.clusters.get('main').createIdentity('system:serviceaccount:argo:reader', [
      { verbs: ['list', 'watch'], resources: ['workflowtasksets.argoproj.io'], namespaces: ['argo'] },
      { verbs: ['patch'], resources: ['workflowtasksets.argoproj.io/status'], namespaces: ['argo'] },
      { verbs: ['get'], resources: ['secrets'], namespaces: ['argo'] },
    ]);
  });
  after(async () => {
    await stack?.stop();
    srv?.server.closeAllConnections();
    await new Promise((r) => srv?.server.close(r));
  });

  test("Argo's http-hello-world and http-success-condition reach Succeeded", async () => {
    const hello = await run(example('examples__http-hello-world.yaml', srv.url));
    assert.equal(hello.status?.phase, 'Succeeded', explain(hello));
    assert.equal(byDisplay(hello, 'good')?.type, 'HTTP');
    assert.equal(byDisplay(hello, 'good')?.phase, 'Succeeded');
    assert.match(byDisplay(hello, 'good')?.outputs?.result ?? '', /"method":"GET"/);
    assert.equal(byDisplay(hello, 'bad')?.phase, 'Failed');
    assert.equal(byDisplay(hello, 'bad')?.message, 'received non-2xx response code: 404');
    const cond = await run(example('examples__http-success-condition.yaml', srv.url));
    assert.equal(cond.status?.phase, 'Succeeded', explain(cond));
    assert.equal(byDisplay(cond, 'http-status-is-201-succeeds')?.phase, 'Succeeded');
    assert.equal(byDisplay(cond, 'http-body-contains-google-succeeds')?.phase, 'Succeeded');
    // The workflow is done: its task set is gone, so the agent stopped.
    const admin = adminClient(stack, 'main');
    try {
      await assert.rejects(
        admin.request({
          method: 'GET',
          path: `/apis/argoproj.io/v1alpha1/namespaces/argo/workflowtasksets/${cond.metadata.name}`,
        }),
        isNotFound,
      );
    } finally {
      admin.close();
    }
  });

  test("Argo's life-cycle-hooks examples, whose hooks are HTTP templates, reach Succeeded", async () => {
    for (const file of ['examples__life-cycle-hooks-wf-level.yaml', 'examples__life-cycle-hooks-tmpl-level.yaml']) {
      const wf = await run(example(file, srv.url));
      assert.equal(wf.status?.phase, 'Succeeded', `${file}: ${explain(wf)}`);
      assert.ok(
        nodes(wf).some((n) => n.type === 'HTTP' && n.phase === 'Succeeded'),
        `${file}: ${explain(wf)}`,
      );
    }
  });

  test("secret headers are read with the workflow's rights and never reach status, events or logs", async () => {
    const wf = (sa: string) =>
      parse(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: secure-}
spec:
  entrypoint: call
  serviceAccountName: ${sa}
  templates:
  - name: call
    http:
      url: ${srv.url}/secure
      headers:
      - name: Authorization
        valueFrom: {secretKeyRef: {name: api, key: token}}
      successCondition: response.statusCode == 200 && response.body == "authorized"
`) as Workflow;
    const denied = await run(wf('default'));
    assert.equal(denied.status?.phase, 'Failed', explain(denied));
    assert.match(nodes(denied)[0]?.message ?? '', /secrets "api" is forbidden: .*system:serviceaccount:argo:default/);
    const allowed = await run(wf('reader'));
    assert.equal(allowed.status?.phase, 'Succeeded', explain(allowed));
    assert.equal(nodes(allowed)[0]?.outputs?.result, 'authorized');
    const admin = adminClient(stack, 'main');
    try {
      const events = await admin.request<unknown>({ method: 'GET', path: '/api/v1/namespaces/argo/events' });
      const pods = await admin.request<{ items: { metadata: { name: string } }[] }>({
        method: 'GET',
        path: '/api/v1/namespaces/argo/pods',
        query: { labelSelector: `workflows.argoproj.io/workflow=${allowed.metadata.name}` },
      });
      const agent = pods.items.find((p) => p.metadata.name.endsWith('-agent'));
      assert.ok(agent, 'the agent pod ran in the workflow namespace');
      const log = await admin.request<string>({
        method: 'GET',
        path: `/api/v1/namespaces/argo/pods/${agent.metadata.name}/log`,
        query: { container: 'main' },
      });
      assert.match(log, /Processing task/);
      for (const [what, text] of [
        ['status', JSON.stringify(allowed)],
        ['events', JSON.stringify(events)],
        ['agent log', log],
      ])
        assert.ok(!String(text).includes(TOKEN), `the secret is not in the ${what}`);
    } finally {
      admin.close();
    }
  });

  test('another cluster runs its own agent; timeouts, placement and POST bodies behave as in Argo', async () => {
    const wf = await run(
      parse(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: places-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: remote, template: post}
      - {name: slow, template: slow, continueOn: {failed: true}}
      - {name: denied, template: denied, continueOn: {error: true}}
    - - name: use
        template: echo
        arguments: {parameters: [{name: got, value: "{{steps.remote.outputs.result}}"}]}
  - name: post
    clusterName: other
    http: {url: "${srv.url}/echo", method: POST, body: "from {{workflow.name}}"}
  - name: slow
    http: {url: "${srv.url}/slow", timeoutSeconds: 1}
  - name: denied
    namespace: kube-system
    http: {url: "${srv.url}/never"}
  - name: echo
    inputs: {parameters: [{name: got}]}
    container: {image: alpine, command: [echo, "{{inputs.parameters.got}}"]}
`) as Workflow,
    );
    assert.equal(wf.status?.phase, 'Succeeded', explain(wf));
    const remote = byDisplay(wf, 'remote');
    assert.equal(remote?.clusterName, 'other');
    assert.equal(remote?.outputs?.result, JSON.stringify({ method: 'POST', body: `from ${wf.metadata.name}` }));
    assert.equal(byDisplay(wf, 'slow')?.phase, 'Failed');
    assert.equal(byDisplay(wf, 'slow')?.message, `Get "${srv.url}/slow": context deadline exceeded`);
    assert.equal(byDisplay(wf, 'denied')?.phase, 'Error');
    assert.match(byDisplay(wf, 'denied')?.message ?? '', /kube-system/);
    assert.ok(!srv.seen.includes('GET /never'), 'a denied place makes no request');
    const other = adminClient(stack, 'other');
    try {
      const pods = await other.request<{ items: { metadata: { name: string; labels?: Record<string, string> } }[] }>({
        method: 'GET',
        path: '/api/v1/namespaces/argo/pods',
        query: { labelSelector: `workflows.argoproj.io/workflow=${wf.metadata.name}` },
      });
      assert.ok(
        pods.items.some((p) => p.metadata.labels?.['workflows.argoproj.io/component'] === 'agent'),
        'the agent ran in cluster other',
      );
    } finally {
      other.close();
    }
  });
  test("a task set of another workflow with this name is never given this workflow's tasks", async () => {
    const admin = adminClient(stack, 'main');
    const path = '/apis/argoproj.io/v1alpha1/namespaces/argo/workflowtasksets';
    try {
      await admin.request({
        method: 'POST',
        path,
        body: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'WorkflowTaskSet',
          metadata: { name: 'same-name', labels: { 'workflows.argosy.io/workflow-uid': 'someone-else' } },
          spec: { tasks: {} },
        },
      });
      const created = await stack.submit(
        parse(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: same-name}
spec:
  entrypoint: call
  templates:
  - name: call
    http: {url: "${srv.url}/ok"}
`) as Workflow,
        'argo',
      );
      const waiting = await stack.waitFor(
        'argo',
        created.metadata.name!,
        (wf) => /belongs to another workflow of this name \(uid someone-else\)/.test(nodes(wf)[0]?.message ?? ''),
        60_000,
      );
      assert.equal(nodes(waiting)[0]?.phase, 'Pending');
      const foreign = await admin.request<{ spec: { tasks: Record<string, unknown> } }>({
        method: 'GET',
        path: `${path}/same-name`,
      });
      assert.deepEqual(foreign.spec.tasks, {}, "the other workflow's task set got no task");
      await admin.request({ method: 'DELETE', path: `${path}/same-name` });
      const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 90_000);
      assert.equal(wf.status?.phase, 'Succeeded', explain(wf));
    } finally {
      admin.close();
    }
  });
});
