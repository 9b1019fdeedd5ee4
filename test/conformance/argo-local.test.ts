/**
 * Argo's own examples (../shared/conformance/argo, with the phase Argo reaches) through the whole local
 * stack: embedded API servers, kubelet running real processes, SQS emulator, watcher and reconcile
 * handler. Every case runs concurrently on one in-process stack (startLocalStack); a few also run as
 * `argosy run <file> -o json --runtime process` subprocesses, the way a user runs them. Each case checks
 * the final phase, the node tree (types, phases, shape) and Argo's messages (as its controller writes them).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startLocalStack, type LocalStack } from '../../src/local/stack.ts';
import type { NodeStatus, Workflow } from '../../src/engine/types.ts';
import { runCli, scratch, SHARED } from '../integration/cli/cli-helpers.ts';

const DIR = join(SHARED, 'conformance/argo');
interface Case {
  file: string;
  phase: string;
}
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { cases: Case[] };
const load = (file: string): Workflow => parse(readFileSync(join(DIR, file), 'utf8')) as Workflow;
const done = (wf: Workflow) => ['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? '');

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
const CHECKS: Record<string, (wf: Workflow) => void> = {
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

/** Cases also run through `argosy run` as a subprocess (each starts its own ephemeral stack). */
const VIA_CLI = ['hello-world.yaml', 'coinflip.yaml', 'output-parameter.yaml'];

let stack: LocalStack;
before(async () => {
  stack = await startLocalStack({ resyncIntervalMs: 2000 });
});
after(async () => {
  await stack?.stop();
});

describe('Argo conformance through the local stack (in-process, all cases concurrently)', () => {
  const results = new Map<string, Promise<Workflow>>();
  const run = (file: string): Promise<Workflow> => {
    let p = results.get(file);
    if (!p) {
      p = stack.submit(load(file)).then((s) => stack.waitFor('argo', s.metadata.name ?? '', done, 90_000));
      results.set(file, p);
    }
    return p;
  };
  before(() => {
    // Start every case at once; each test below awaits its own.
    for (const c of manifest.cases) run(c.file).catch(() => undefined);
  });
  test('every manifest case has a check', () => {
    assert.deepEqual(
      manifest.cases.map((c) => c.file).filter((f) => !CHECKS[f]),
      [],
    );
  });
  for (const c of manifest.cases) {
    test(`${c.file} → ${c.phase}`, async () => {
      const wf = await run(c.file);
      const pods = Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === 'Pod' && n.message);
      const why = pods.map((n) => `${n.displayName}: ${n.phase} ${n.message}`).join('; ');
      assert.equal(wf.status?.phase, c.phase, `${c.file}: ${wf.status?.message ?? ''} (${why})`);
      CHECKS[c.file]?.(wf);
    });
  }
});

describe('Argo conformance through `argosy run` (subprocess)', () => {
  const home = scratch();
  after(() => rmSync(home, { recursive: true, force: true }));
  for (const file of VIA_CLI) {
    const c = manifest.cases.find((x) => x.file === file) as Case;
    test(`argosy run ${file} -o json → ${c.phase}`, async () => {
      const r = await runCli(['run', join(DIR, file), '-o', 'json', '--runtime', 'process'], home);
      const wf = JSON.parse(r.stdout) as Workflow;
      assert.equal(wf.status?.phase, c.phase, r.stderr);
      CHECKS[file]?.(wf);
    });
  }
});
