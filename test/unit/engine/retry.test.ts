import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/engine/index.ts';
import type { KubePod } from '../../../src/engine/contract.ts';
import {
  goTimeString,
  humanizeDuration,
  parseArgoDuration,
  parseGoDuration,
} from '../../../src/engine/retry/durations.ts';
import { evaluateRetryExpression } from '../../../src/engine/retry/retry-expression.ts';
import { byArgs, byName, drive } from './drive.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

/** A workflow whose entry template `main` retries with the given strategy (YAML flow map). */
const retrying = (strategy: string, args = '[fail]', extra = ''): string => `
spec:
  entrypoint: main
  templates:
  - name: main
    retryStrategy: ${strategy}
    ${extra}
    container: {image: alpine, args: ${args}}
`;

const failing = (): { exitCode: number; stdout: string } => ({ exitCode: 1, stdout: '' });

describe('retryStrategy', () => {
  test('limit N: N+1 attempts, Retry node Failed "No more retries left", attempts flagged retried', () => {
    const r = drive(wfFromYaml(retrying('{limit: 2}')), { outcome: failing });
    const n = byName(r.workflow);
    assert.equal(n.get('wf')?.type, 'Retry');
    assert.equal(n.get('wf')?.phase, 'Failed');
    assert.equal(n.get('wf')?.message, 'No more retries left');
    assert.deepEqual([...n.keys()].sort(), ['wf', 'wf(0)', 'wf(1)', 'wf(2)']);
    assert.deepEqual(n.get('wf(1)')?.nodeFlag, { retried: true });
    assert.equal(n.get('wf(1)')?.displayName, 'wf(1)');
    assert.equal(r.workflow.status?.phase, 'Failed');
    assert.equal(r.workflow.status?.message, 'No more retries left');
    assert.equal(r.workflow.status?.progress, '0/3');
    assert.equal(n.get('wf')?.outputs?.exitCode, '1');
  });

  test('limit 0 (also as a string) is one attempt', () => {
    for (const limit of ['0', '"0"']) {
      const r = drive(wfFromYaml(retrying(`{limit: ${limit}}`)), { outcome: failing });
      assert.deepEqual([...byName(r.workflow).keys()].sort(), ['wf', 'wf(0)']);
    }
  });

  test('retryStrategy: {} retries until success; the Retry node takes the last outputs', () => {
    let calls = 0;
    const r = drive(wfFromYaml(retrying('{}')), { outcome: () => ({ exitCode: calls++ < 5 ? 1 : 0, stdout: '' }) });
    const n = byName(r.workflow);
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    assert.equal(n.get('wf')?.children?.length, 6);
    assert.equal(n.get('wf')?.outputs?.exitCode, '0');
    assert.equal(r.workflow.status?.progress, '1/6');
  });

  test('policies: OnError does not retry a Failed attempt; OnFailure does not retry an Error', () => {
    const r = drive(wfFromYaml(retrying('{limit: 3, retryPolicy: OnError}')), { outcome: failing });
    const n = byName(r.workflow);
    assert.equal(n.get('wf')?.children?.length, 1);
    assert.equal(n.get('wf')?.message, 'main: Error (exit code 1)');
    const denied = drive(wfFromYaml(retrying('{limit: 3}', '[ok]')), { checkPlacement: () => 'not allowed' });
    assert.equal(byName(denied.workflow).get('wf')?.phase, 'Error');
    assert.equal(byName(denied.workflow).get('wf')?.children?.length, 1);
  });

  test('Always retries errors too (attempts that fail at once are retried in the same decide)', () => {
    const wf = wfFromYaml(retrying('{limit: 2, retryPolicy: Always}', '[ok]'));
    const d = decide({ workflow: wf, pods: [], controller: { clusterName: 'main' }, checkPlacement: () => 'no' }, NOW);
    const n = byName({ ...wf, status: d.status });
    assert.equal(n.get('wf')?.children?.length, 3);
    assert.equal(n.get('wf')?.phase, 'Error');
    assert.equal(n.get('wf')?.message, 'No more retries left');
  });

  test('OnTransientError retries only transient messages', () => {
    const r = drive(wfFromYaml(retrying('{limit: 2, retryPolicy: OnTransientError}')), { outcome: failing });
    assert.equal(byName(r.workflow).get('wf')?.children?.length, 1);
  });

  test('backoff: "Backoff for <d>" with a wake-up, factor doubles, cap caps', () => {
    const r = drive(wfFromYaml(retrying('{limit: 3, backoff: {duration: "2", factor: 2, cap: 3s}}')), {
      outcome: failing,
    });
    const messages = r.decisions.map((d) => d.status.nodes?.wf?.message).filter((m) => m?.startsWith('Backoff'));
    assert.deepEqual([...new Set(messages)], ['Backoff for 2 seconds', 'Backoff for 3 seconds']);
    const waiting = r.decisions.find((d) => d.status.nodes?.wf?.message === 'Backoff for 2 seconds');
    assert.ok(waiting?.requeueAfterMs !== undefined && waiting.requeueAfterMs <= 2000 && waiting.requeueAfterMs > 0);
    assert.equal(byName(r.workflow).get('wf')?.message, 'No more retries left');
    assert.equal(byName(r.workflow).get('wf')?.children?.length, 4);
  });

  test('backoff maxDuration: "Backoff would exceed max duration limit" / "Max duration limit exceeded"', () => {
    const would = drive(wfFromYaml(retrying('{limit: 5, backoff: {duration: 1m, maxDuration: 30s}}')), {
      outcome: failing,
    });
    assert.equal(byName(would.workflow).get('wf')?.message, 'Backoff would exceed max duration limit');
    const past = drive(wfFromYaml(retrying('{limit: 5, backoff: {duration: 1, maxDuration: "1"}}')), {
      outcome: failing,
    });
    assert.equal(byName(past.workflow).get('wf')?.message, 'Max duration limit exceeded');
  });

  test('expression: false stops with Argo message; variables lastRetry.*', () => {
    const stop = drive(wfFromYaml(retrying(`{limit: 3, expression: 'lastRetry.status == "Error"'}`)), {
      outcome: failing,
    });
    assert.equal(byName(stop.workflow).get('wf')?.message, 'retryStrategy.expression evaluated to false');
    assert.equal(byName(stop.workflow).get('wf')?.children?.length, 1);
    const go = drive(wfFromYaml(retrying(`{limit: 2, expression: 'asInt(lastRetry.exitCode) == 1'}`)), {
      outcome: failing,
    });
    assert.equal(byName(go.workflow).get('wf')?.message, 'No more retries left');
  });

  test("{{retries}} and {{pod.name}} are the attempt's; limit may be templated", () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  arguments: {parameters: [{name: count, value: "1"}]}
  templates:
  - name: main
    retryStrategy: {limit: "{{workflow.parameters.count}}"}
    container: {image: alpine, args: [fail, "{{retries}}", "{{pod.name}}"]}
`);
    const r = drive(wf, { outcome: byArgs });
    const args = r.decisions
      .flatMap((d) => d.actions)
      .flatMap((a) => (a.kind === 'CreatePod' ? [a.pod.spec.containers[0]?.args?.slice(1)] : []));
    assert.equal(args.length, 2);
    assert.equal(args[1]?.[0], '1');
    assert.match(args[1]?.[1] ?? '', /^wf-main-\d+$/);
  });

  test('attempt pods go to the template cluster/namespace', () => {
    const r = drive(wfFromYaml(retrying('{limit: 1}', '[fail]', 'clusterName: other\n    namespace: batch')), {
      outcome: failing,
    });
    const creates = r.decisions.flatMap((d) => d.actions).filter((a) => a.kind === 'CreatePod');
    assert.deepEqual(
      creates.map((a) => (a.kind === 'CreatePod' ? `${a.cluster}/${a.namespace}` : '')),
      ['other/batch', 'other/batch'],
    );
  });

  test('a retried step: steps.X outputs come from the last attempt, the group hangs off it', () => {
    let calls = 0;
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: a, template: flaky}
    - - {name: b, template: echo, arguments: {parameters: [{name: v, value: "{{steps.a.outputs.result}}"}]}}
  - name: flaky
    retryStrategy: {limit: 3}
    container: {image: alpine, args: [x]}
  - name: echo
    inputs: {parameters: [{name: v}]}
    container: {image: alpine, args: ["{{inputs.parameters.v}}"]}
`);
    const r = drive(wf, {
      outcome: (p: KubePod) => ({ exitCode: calls++ === 0 ? 1 : 0, stdout: `${p.spec.containers[0]?.args?.[0]}\n` }),
    });
    const n = byName(r.workflow);
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    assert.equal(n.get('wf[1].b')?.inputs?.parameters?.[0]?.value, 'x');
    assert.deepEqual(n.get('wf[0].a(1)')?.children, [n.get('wf[1]')?.id]);
  });

  test('past the workflow deadline retries stop: "retry exceeded workflow deadline <Go time>"', () => {
    const wf = wfFromYaml(
      retrying('{limit: 10, backoff: {duration: "4"}}').replace('spec:', 'spec:\n  activeDeadlineSeconds: 5'),
    );
    const r = drive(wf, { outcome: failing });
    assert.equal(
      byName(r.workflow).get('wf')?.message,
      'retry exceeded workflow deadline 2026-01-02 15:04:10 +0000 UTC',
    );
    assert.equal(r.workflow.status?.phase, 'Failed');
  });
});

describe('durations and retry expressions', () => {
  test('Go durations and Argo seconds', () => {
    assert.equal(parseGoDuration('1h2m3.5s'), 3_723_500);
    assert.equal(parseGoDuration('300ms'), 300);
    // Go reads both micro signs (U+00B5 and U+03BC) as microseconds.
    assert.equal(parseGoDuration('1500\u00b5s'), 1.5);
    assert.equal(parseGoDuration('1500\u03bcs'), 1.5);
    assert.equal(parseArgoDuration('20'), 20_000);
    assert.equal(parseArgoDuration(3), 3000);
    assert.throws(() => parseArgoDuration('soon'), /unable to parse soon as a duration/);
  });
  test('humanize.Duration as Argo prints it', () => {
    assert.equal(humanizeDuration(1000), '1 second');
    assert.equal(humanizeDuration(59_000), '59 seconds');
    assert.equal(humanizeDuration(90_000), '1 minute 30 seconds');
    assert.equal(humanizeDuration(3_600_000), '1 hour 0 minutes');
    assert.equal(humanizeDuration(24 * 3_600_000), '1 day 0 hours');
    assert.equal(humanizeDuration(500), '0 seconds');
  });
  test('Go time.String()', () =>
    assert.equal(goTimeString(Date.parse('2026-01-02T15:04:05Z')), '2026-01-02 15:04:05 +0000 UTC'));
  test('expr subset', () => {
    const vars = {
      'lastRetry.exitCode': '2',
      'lastRetry.status': 'Failed',
      'lastRetry.message': 'pod deleted',
      retries: '1',
    };
    assert.equal(evaluateRetryExpression('asInt(lastRetry.exitCode) > 1 && retries < "3"', vars), true);
    assert.equal(evaluateRetryExpression("lastRetry.status in ['Error', 'Failed']", vars), true);
    assert.equal(evaluateRetryExpression("not (lastRetry.message matches 'pod deleted|shutdown')", vars), false);
    assert.throws(() => evaluateRetryExpression('nope == 1', vars), /unknown name nope/);
  });
});

describe('{{pod.name}}', () => {
  test('is the pod name of the node for templates without retries too', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: a, template: echo}
  - name: echo
    container: {image: alpine, args: ["{{pod.name}}"]}
`);
    const d = decide({ workflow: wf, pods: [], controller: { clusterName: 'main' } }, NOW);
    const pod = d.actions.find((a) => a.kind === 'CreatePod');
    assert.ok(pod?.kind === 'CreatePod');
    assert.equal(pod.pod.spec.containers[0]?.args?.[0], pod.pod.metadata.name);
  });
});
