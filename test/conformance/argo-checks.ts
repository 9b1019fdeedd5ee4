/**
 * Argo's own examples (../shared/conformance/argo, with the phase Argo reaches) and, per case, the node
 * tree and messages Argo's controller produces: shared by the in-process run of every case
 * (argo-local.test.ts) and the `argosy run` subprocess runs (argo-run.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { NodeStatus, Workflow } from '../../src/engine/types.ts';
import { SHARED } from '../integration/cli/cli-helpers.ts';

export const DIR = join(SHARED, 'conformance/argo');
export interface Case {
  file: string;
  phase: string;
}
export const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { cases: Case[] };
export const load = (file: string): Workflow => parse(readFileSync(join(DIR, file), 'utf8')) as Workflow;
export const done = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');

/** The node named `<workflow name><suffix>`. */
function node(wf: Workflow, suffix: string): NodeStatus {
  const name = `${wf.metadata.name}${suffix}`;
  const n = Object.values(wf.status?.nodes ?? {}).find((x) => x.name === name);
  assert.ok(
    n,
    `node ${name} exists (have: ${Object.values(wf.status?.nodes ?? {})
      .map((x) => x.name)
      .join(', ')})`,
  );
  return n;
}
function expectNode(wf: Workflow, suffix: string, type: string, phase: string, message?: string | RegExp): NodeStatus {
  const n = node(wf, suffix);
  assert.equal(n.type, type, `${n.name} type`);
  assert.equal(n.phase, phase, `${n.name} phase`);
  if (typeof message === 'string') assert.equal(n.message, message, `${n.name} message`);
  else if (message) assert.match(n.message ?? '', message, `${n.name} message`);
  return n;
}
const count = (wf: Workflow, type: string) =>
  Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === type).length;
const param = (n: NodeStatus, name: string) => n.outputs?.parameters?.find((p) => p.name === name)?.value;
const childrenOf = (wf: Workflow, n: NodeStatus) => (n.children ?? []).map((id) => wf.status?.nodes?.[id]?.name).sort();

/** Per case: the node tree and messages Argo produces (phases are checked from the manifest). */
export const CHECKS: Record<string, (wf: Workflow) => void> = {
  'hello-world.yaml': (wf) => {
    const root = expectNode(wf, '', 'Pod', 'Succeeded');
    assert.equal(root.outputs?.exitCode, '0');
    assert.equal(wf.status?.progress, '1/1');
  },
  'steps.yaml': (wf) => {
    expectNode(wf, '', 'Steps', 'Succeeded');
    expectNode(wf, '[0]', 'StepGroup', 'Succeeded');
    expectNode(wf, '[0].hello1', 'Pod', 'Succeeded');
    expectNode(wf, '[1].hello2a', 'Pod', 'Succeeded');
    expectNode(wf, '[1].hello2b', 'Pod', 'Succeeded');
    assert.equal(wf.status?.progress, '3/3');
  },
  'dag-diamond.yaml': (wf) => {
    const root = expectNode(wf, '', 'DAG', 'Succeeded');
    for (const t of ['A', 'B', 'C', 'D']) expectNode(wf, `.${t}`, 'Pod', 'Succeeded');
    assert.deepEqual(childrenOf(wf, node(wf, '.A')), [`${wf.metadata.name}.B`, `${wf.metadata.name}.C`]);
    assert.deepEqual(root.outboundNodes, [node(wf, '.D').id]);
  },
  'dag-multiroot.yaml': (wf) => {
    expectNode(wf, '', 'DAG', 'Succeeded');
    for (const t of ['A', 'B', 'C', 'D']) expectNode(wf, `.${t}`, 'Pod', 'Succeeded');
    assert.equal(node(wf, '').children?.length, 2, 'two roots');
  },
  'dag-enhanced-depends.yaml': (wf) => {
    expectNode(wf, '', 'DAG', 'Succeeded');
    expectNode(wf, '.C', 'Pod', 'Failed', 'main: Error (exit code 1)');
    expectNode(wf, '.should-not-execute', 'Skipped', 'Omitted', 'omitted: depends condition not met');
    for (const t of ['A', 'B', 'should-execute-1', 'should-execute-2', 'should-execute-3'])
      expectNode(wf, `.${t}`, 'Pod', 'Succeeded');
  },
  'arguments-parameters.yaml': (wf) => {
    const root = expectNode(wf, '', 'Pod', 'Succeeded');
    assert.ok(root.inputs?.parameters?.some((p) => p.name === 'message' && p.value === 'hello world'));
  },
  'global-parameters.yaml': (wf) => void expectNode(wf, '', 'Pod', 'Succeeded'),
  'loops.yaml': (wf) => {
    expectNode(wf, '[0].print-message-loop(0:hello world)', 'Pod', 'Succeeded');
    expectNode(wf, '[0].print-message-loop(1:goodbye world)', 'Pod', 'Succeeded');
  },
  'loops-dag.yaml': (wf) => {
    const group = expectNode(wf, '.B', 'TaskGroup', 'Succeeded');
    assert.equal(group.children?.length, 3);
    for (const item of ['0:foo', '1:bar', '2:baz']) expectNode(wf, `.B(${item})`, 'Pod', 'Succeeded');
    expectNode(wf, '.C', 'Pod', 'Succeeded');
  },
  'loops-sequence.yaml': (wf) => {
    assert.equal(count(wf, 'Pod'), 25);
    expectNode(wf, '[0].sequence-negative(5:0)', 'Pod', 'Succeeded');
    expectNode(wf, '[0].sequence-format(4:testuser04)', 'Pod', 'Succeeded');
  },
  'scripts-bash.yaml': (wf) => {
    const gen = expectNode(wf, '[0].generate', 'Pod', 'Succeeded');
    assert.match(gen.outputs?.result ?? '', /^\d+$/, 'outputs.result is the script stdout, newline trimmed');
    expectNode(wf, '[1].print', 'Pod', 'Succeeded');
  },
  'coinflip.yaml': (wf) => {
    const flip = expectNode(wf, '[0].flip-coin', 'Pod', 'Succeeded');
    const side = flip.outputs?.result;
    assert.ok(side === 'heads' || side === 'tails', `result ${side}`);
    const other = side === 'heads' ? 'tails' : 'heads';
    expectNode(wf, `[1].${side}`, 'Pod', 'Succeeded');
    expectNode(wf, `[1].${other}`, 'Skipped', 'Skipped', `when '${side} == ${other}' evaluated false`);
  },
  'output-parameter.yaml': (wf) => {
    const gen = expectNode(wf, '[0].generate-parameter', 'Pod', 'Succeeded');
    assert.equal(param(gen, 'hello-param'), 'hello world', 'read from the file, not the default');
    const use = expectNode(wf, '[1].consume-parameter', 'Pod', 'Succeeded');
    assert.equal(use.inputs?.parameters?.[0]?.value, 'hello world');
  },
  'retry-container.yaml': (wf) => {
    const retry = expectNode(wf, '', 'Retry', 'Succeeded');
    const attempts = (retry.children ?? []).map((id) => wf.status?.nodes?.[id] as NodeStatus);
    assert.ok(attempts.length >= 1 && attempts.length <= 11);
    attempts.forEach((a, i) => assert.equal(a.name, `${wf.metadata.name}(${i})`));
    assert.equal(attempts.at(-1)?.phase, 'Succeeded');
    for (const a of attempts.slice(0, -1)) assert.equal(a.message, 'main: Error (exit code 1)');
  },
  'exit-handler-dag-level.yaml': (wf) => {
    expectNode(wf, '', 'DAG', 'Succeeded');
    for (const t of ['A', 'B', 'C', 'D']) {
      expectNode(wf, `.${t}`, 'Pod', 'Succeeded');
      const exit = expectNode(wf, `.${t}.onExit`, 'Pod', 'Succeeded');
      assert.equal(exit.nodeFlag?.hooked, true);
    }
  },
  'timeouts-step.yaml': (wf) => {
    expectNode(wf, '', 'Pod', 'Failed', 'Pod was active on the node longer than the specified deadline');
    assert.equal(wf.status?.message, 'Pod was active on the node longer than the specified deadline');
  },
  'parallelism-limit.yaml': (wf) => {
    assert.equal(count(wf, 'Pod'), 10);
    assert.equal(wf.status?.progress, '10/10');
  },
  'dag-fail.yaml': (wf) => {
    expectNode(wf, '', 'DAG', 'Failed');
    expectNode(wf, '.A', 'Pod', 'Succeeded');
    expectNode(wf, '.C', 'Pod', 'Failed', 'main: Error (exit code 1)');
    expectNode(wf, '.D', 'Skipped', 'Omitted', 'omitted: depends condition not met');
  },
  'failed-step.yaml': (wf) => {
    const bad = expectNode(wf, '[0].exit(1:1)', 'Pod', 'Failed', 'main: Error (exit code 1)');
    expectNode(wf, '[0].exit(0:0)', 'Pod', 'Succeeded');
    expectNode(wf, '[0]', 'StepGroup', 'Failed', `child '${bad.id}' failed`);
    expectNode(wf, '', 'Steps', 'Failed', `child '${bad.id}' failed`);
    assert.equal(wf.status?.message, `child '${bad.id}' failed`);
  },
  'retry-omit.yaml': (wf) => {
    expectNode(wf, '', 'DAG', 'Failed');
    expectNode(wf, '.F', 'Pod', 'Failed', 'main: Error (exit code 1)');
    expectNode(wf, '.O', 'Skipped', 'Omitted', 'omitted: depends condition not met');
  },
};
