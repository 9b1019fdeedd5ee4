// Bad input submitted straight to the API server (the CLI's own checks — invalid YAML, cyclic DAG,
// unknown flags — are test/integration/cli/bad-input.test.ts; unknown cluster and placement denied
// are test/integration/pipeline/faults.test.ts): each bad workflow ends with a clear status.message,
// malformed rest-config entries fail only the workflows that use them with a clear reason (status or
// log), a poison message does not disturb anyone, and a bystander workflow running through it all
// succeeds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Workflow } from '../../src/engine/types.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { kubectl } from '../integration/apiserver/helpers.ts';
import {
  assertClean,
  captureLog,
  chain,
  faultStack,
  isDone,
  podsOf,
  runToEnd,
  until,
  type CapturedLog,
} from './helpers.ts';

const REST_CONFIG = '/api/v1/namespaces/argosy-system/secrets/rest-config';
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** One pod step placed in `clusterName` (namespace argo). */
function placedIn(name: string, clusterName: string): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${name}-` },
    spec: {
      entrypoint: 'main',
      templates: [{ name: 'main', clusterName, namespace: 'argo', container: { image: 'argoproj/argosay:v2' } }],
    },
  } as Workflow;
}

function wf(name: string, templates: unknown[], entrypoint = 'main'): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${name}-` },
    spec: { entrypoint, templates },
  } as Workflow;
}

const say = { name: 'say', container: { image: 'argoproj/argosay:v2' } };

describe('bad input', () => {
  let stack: LocalStack;
  let log: CapturedLog;
  let bystander: Promise<Workflow>;
  before(async () => {
    log = captureLog();
    stack = await faultStack(log, { maxReceiveCount: 2 });
    const other = stack.clusters.get('other');
    const main = stack.clusters.get('main');
    const entry = (o: Record<string, unknown>) => b64(JSON.stringify(o));
    await stack.mainClient.request({
      method: 'PATCH',
      path: REST_CONFIG,
      contentType: 'application/merge-patch+json',
      body: {
        data: {
          'bad64.': b64('not base64 at all!!'),
          'badjson.': b64('{"Host": "https://x", '),
          'nohost.': entry({ BearerToken: 'x', TLSClientConfig: { CAData: b64(other.caPem) } }),
          'expired.': entry({
            Host: other.url,
            BearerToken: 'expired.0000',
            TLSClientConfig: { CAData: b64(other.caPem) },
          }),
          'wrongca.': entry({ Host: other.url, BearerToken: 'x.1', TLSClientConfig: { CAData: b64(main.caPem) } }),
        },
      },
    });
    await stack.registry.refresh(true);
    bystander = runToEnd(stack, chain('bystander', 4, { other: true, duration: '500ms' }), 90_000);
  });
  after(async () => {
    await stack?.stop();
  });

  const invalid: [string, Workflow, RegExp][] = [
    [
      'cyclic DAG',
      wf('cyclic', [
        {
          name: 'main',
          dag: {
            tasks: [
              { name: 'a', template: 'say', depends: 'b' },
              { name: 'b', template: 'say', depends: 'a' },
            ],
          },
        },
        say,
      ]),
      /cycl/i,
    ],
    [
      'unknown template',
      wf('unknown-template', [{ name: 'main', steps: [[{ name: 's', template: 'nope' }]] }]),
      /nope/,
    ],
    ['unknown entrypoint', wf('unknown-entry', [say], 'missing'), /missing/],
    ['cluster name with a dot', placedIn('dotted', 'other.argo'), /other\.argo/],
    [
      'template recursion without end',
      wf('recursion', [{ name: 'main', steps: [[{ name: 'again', template: 'main' }]] }]),
      /recurs|depth|loop/i,
    ],
  ];
  for (const [what, workflow, message] of invalid) {
    test(`${what}: phase Error/Failed with a message that names the problem, no pod`, async () => {
      const done = await runToEnd(stack, workflow, 30_000);
      assert.match(done.status?.phase ?? '', /Error|Failed/);
      assert.match(done.status?.message ?? JSON.stringify(done.status), message);
      assert.equal((await podsOf(stack, done.metadata.name!)).length, 0);
    });
  }

  test('kubectl create of a workflow with an unknown field: stored, then ended Error naming the path and the field meant', async () => {
    // kubectl validates strictly, but the Workflow CRD keeps unknown fields (as Argo's does), so the
    // object is stored as written; the controller must not run something other than what was written.
    const manifest = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Workflow',
      'metadata: {name: typo-parallelism}',
      'spec:',
      '  entrypoint: main',
      '  paralellism: 1',
      '  templates: [{name: main, container: {image: argoproj/argosay:v2}}]',
    ].join('\n');
    const created = await kubectl(stack.kubeconfigPath, 'main', ['create', '-n', 'argo', '-f', '-', '-o', 'name'], {
      stdin: manifest,
    });
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout.trim(), 'workflow.argoproj.io/typo-parallelism');
    const done = await stack.waitFor('argo', 'typo-parallelism', isDone, 30_000);
    assert.equal(done.status?.phase, 'Error');
    assert.match(done.status?.message ?? '', /spec\.paralellism: unknown field; did you mean parallelism\?/);
    assert.equal((await podsOf(stack, 'typo-parallelism')).length, 0);
  });

  for (const [key, why] of [
    ['bad64', /base64|JSON|invalid/i],
    ['badjson', /JSON|invalid/i],
    ['nohost', /Host/],
  ] as const) {
    test(`malformed entry ${key}.: the workflow using it ends in Error naming the entry`, async () => {
      const done = await runToEnd(stack, placedIn(key, key), 30_000);
      assert.equal(done.status?.phase, 'Error');
      const text = JSON.stringify(done.status);
      assert.match(text, new RegExp(`${key}\\.`), 'the entry key is named');
      assert.match(text, why);
    });
  }

  for (const [key, why] of [
    ['expired', /401|Unauthorized/],
    ['wrongca', /certificate|self.signed|TLS|verify/i],
  ] as const) {
    test(`entry ${key}.: the node waits and says why (credential/CA fixes are operator actions)`, async () => {
      const c = await stack.submit(placedIn(key, key), 'argo');
      const name = c.metadata.name!;
      const waiting = (w: Workflow) =>
        Object.values(w.status?.nodes ?? {}).some(
          (n) => n.message?.startsWith(`waiting for cluster ${key}: `) && why.test(n.message),
        );
      const w = await stack.waitFor('argo', name, waiting, 20_000);
      assert.equal(w.status?.phase, 'Running', 'not a false success, not given up before the bound');
      assert.equal((await podsOf(stack, name, ['other'])).length, 0);
    });
  }

  test('a poison message: logged as poison, dead-lettered; nobody else disturbed', async () => {
    await stack.queues.client.send(
      new SendMessageCommand({
        QueueUrl: stack.queueUrls.work,
        MessageBody: '{"v":2,"namespace":"argo"}',
        MessageGroupId: 'argo/poison',
        MessageDeduplicationId: 'poison-bad-input',
      }),
    );
    await until(() => log.find(/poison message/).length > 0, 20_000, 'the poison log line');
  });

  test('the bystander ran through all of it and succeeded', async () => {
    await assertClean(stack, await bystander);
  });
});
