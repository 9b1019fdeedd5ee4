/**
 * Argo v4.1.2's absent optional (PR #16223; util/template replace_test.go TestReplaceStrictAnyNilValues,
 * docs/variables.md "Outputs of Skipped and Omitted Nodes"): a skipped producer's output without a
 * default is nil in expressions (`??` fires, `== ''` is false, a bare reference or an operation on it
 * fails), a real empty output is not absent, and a step whose own `when` is false never fails on one.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { runWorkflow } from './kubelet-sim.ts';

/** A steps workflow: `producer` (skipped unless `run`) then `consumer` echoing `value`. */
function flow(value: string, opts: { run?: boolean; consumerWhen?: string; empty?: boolean } = {}): Workflow {
  const produced = opts.empty ? '' : 'real';
  const consumer: Record<string, unknown> = {
    name: 'consumer',
    template: 'consume',
    arguments: { parameters: [{ name: 'in', value }] },
  };
  if (opts.consumerWhen) consumer.when = opts.consumerWhen;
  return parse(`
metadata: {name: w, namespace: argo, uid: u}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: producer, template: produce, when: "${opts.run ? 'true' : 'false'}"}
        - - ${JSON.stringify(consumer)}
    - name: produce
      outputs:
        parameters:
          - {name: msg, valueFrom: {path: /tmp/out.txt}}
      container: {image: "argoproj/argosay:v2", args: [echo, "${produced}", /tmp/out.txt]}
    - name: consume
      inputs:
        parameters: [{name: in}]
      container: {image: "argoproj/argosay:v2", args: [echo, "{{inputs.parameters.in}}"]}
`) as Workflow;
}

function run(wf: Workflow): { phase: string | undefined; nodes: Map<string, NodeStatus> } {
  const out = runWorkflow(wf).workflow;
  return {
    phase: out.status?.phase,
    nodes: new Map(Object.values(out.status?.nodes ?? {}).map((n) => [n.name, n])),
  };
}

const REF = 'steps.producer.outputs.parameters.msg';
const consumed = (nodes: Map<string, NodeStatus>) =>
  nodes.get('w[1].consumer')?.inputs?.parameters?.find((p) => p.name === 'in')?.value;

describe('absent optional outputs of skipped steps (Argo v4.1.2)', () => {
  test("an expression sees nil: `?? 'fallback'` fires", () => {
    const r = run(flow(`{{= ${REF} ?? 'fallback'}}`));
    assert.equal(r.phase, 'Succeeded');
    assert.equal(consumed(r.nodes), 'fallback');
  });

  test("a real empty output is not absent: `??` does not fire and '' is substituted", () => {
    const r = run(flow(`{{= ${REF} ?? 'fallback'}}`, { run: true, empty: true }));
    assert.equal(r.phase, 'Succeeded');
    assert.equal(consumed(r.nodes), '');
  });

  test("nil is not '': `== ''` is false for a skipped producer", () => {
    const r = run(flow(`{{= ${REF} == '' ? 'empty' : 'absent'}}`));
    assert.equal(consumed(r.nodes), 'absent');
  });

  test('a bare expression reference fails the step group (failed to evaluate expression), no child node', () => {
    const r = run(flow(`{{= ${REF}}}`));
    assert.equal(r.phase, 'Failed');
    assert.equal(r.nodes.get('w[1]')?.phase, 'Error');
    assert.equal(r.nodes.get('w[1]')?.message, `failed to evaluate expression " ${REF}"`);
    assert.equal(r.nodes.has('w[1].consumer'), false);
  });

  test("an operation on nil fails: `+ '-suffix'`", () => {
    const r = run(flow(`{{= ${REF} + '-suffix'}}`));
    assert.equal(r.phase, 'Failed');
    assert.match(r.nodes.get('w[1]')?.message ?? '', /invalid operation: \+ \(mismatched types <nil> and string\)/);
  });

  test('a composite simple tag fails the step group with Argo terminal message, no child node', () => {
    const r = run(flow(`pre-{{${REF}}}-post`));
    assert.equal(r.phase, 'Failed');
    const message = `unable to substitute {{${REF}}}: output is an absent optional (skipped/omitted node with no default)`;
    assert.equal(r.nodes.get('w[1]')?.phase, 'Error');
    assert.equal(r.nodes.get('w[1]')?.message, message);
    assert.equal(r.nodes.get('w')?.message, message);
    assert.equal(r.nodes.has('w[1].consumer'), false);
  });

  test('a pure reference whose consumer input has no default fails the consumer (ProcessArgs)', () => {
    const r = run(flow(`{{${REF}}}`));
    assert.equal(r.phase, 'Failed');
    const consumer = r.nodes.get('w[1].consumer');
    assert.equal(consumer?.type, 'Skipped');
    assert.equal(consumer?.phase, 'Error');
    assert.equal(
      consumer?.message,
      'inputs.parameters.in: argument references an absent optional (skipped/omitted node output with no default)',
    );
  });

  test('a step whose own `when` is false tolerates absent references in its body', () => {
    const r = run(flow(`{{${REF}}}`, { consumerWhen: 'false' }));
    assert.equal(r.phase, 'Succeeded');
    assert.equal(r.nodes.get('w[1].consumer')?.phase, 'Skipped');
  });

  test('a producer that ran resolves as before', () => {
    const r = run(flow(`{{${REF}}}`, { run: true }));
    assert.equal(r.phase, 'Succeeded');
    assert.equal(consumed(r.nodes), 'real');
  });
});

/** A steps template whose output parameter aggregates the skipped producer's output. */
function aggregating(extra: string): Workflow {
  return parse(`
metadata: {name: w, namespace: argo, uid: u}
spec:
  entrypoint: main
  templates:
    - name: main
      outputs:
        parameters:
          - {name: out, valueFrom: {${extra}}}
      steps:
        - - {name: producer, template: produce, when: "false"}
    - name: produce
      outputs:
        parameters:
          - {name: msg, valueFrom: {path: /tmp/out.txt}}
      container: {image: "argoproj/argosay:v2", args: [echo, x, /tmp/out.txt]}
`) as Workflow;
}

describe("template outputs over a skipped producer (Argo's getTemplateOutputsFromScope)", () => {
  test('valueFrom.parameter naming an absent optional, no default: the Steps node errors with Argo message', () => {
    const r = run(aggregating(`parameter: "{{${REF}}}"`));
    assert.equal(r.phase, 'Error');
    assert.equal(r.nodes.get('w')?.phase, 'Error');
    assert.equal(
      r.nodes.get('w')?.message,
      `output parameter "out": "{{${REF}}}" is an absent optional (skipped/omitted node output with no default)`,
    );
  });

  test("the aggregating parameter's own default applies (parameter and a nil expression alike)", () => {
    for (const extra of [`parameter: "{{${REF}}}", default: d`, `expression: "${REF}", default: d`]) {
      const r = run(aggregating(extra));
      assert.equal(r.phase, 'Succeeded', extra);
      assert.deepEqual(
        r.nodes.get('w')?.outputs?.parameters?.map((p) => [p.name, p.value]),
        [['out', 'd']],
      );
    }
  });

  test('an output expression that is nil without a default fails (no more "<nil>")', () => {
    const r = run(aggregating(`expression: "${REF}"`));
    assert.equal(r.phase, 'Error');
    assert.equal(r.nodes.get('w')?.message, `failed to evaluate expression "${REF}"`);
  });
});
