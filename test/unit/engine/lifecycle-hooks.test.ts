/**
 * Lifecycle hooks other than exit, as Argo runs them (workflow/controller/hooks.go): the expression is
 * checked on every pass, the hook runs as `<parent>.hooks.<name>` (hooked, a child of its parent) once
 * it holds, and the step group / dependent tasks / workflow wait for started hooks.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateWorkflow } from '../../../src/engine/index.ts';
import type { NodeStatus, Workflow } from '../../../src/engine/types.ts';
import { runWorkflow } from './kubelet-sim.ts';
import { wfFromYaml } from './fixtures.ts';

const templates = `
  - name: echo
    container: {image: alpine, command: [sh, -c, "echo hi"]}
  - name: note
    inputs: {parameters: [{name: what, value: none}]}
    container: {image: alpine, command: [sh, -c, "echo {{inputs.parameters.what}}"]}
`;

function nodes(wf: Workflow): Map<string, NodeStatus> {
  return new Map(Object.values(wf.status?.nodes ?? {}).map((n) => [n.name, n]));
}

describe('template-level hooks', () => {
  test('steps: running and succeeded hooks run once each, as hooked children of the step', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: step-1
        template: echo
        hooks:
          running: {expression: 'steps["step-1"].status == "Running"', template: note, arguments: {parameters: [{name: what, value: run}]}}
          success: {expression: 'steps["step-1"].status == "Succeeded"', template: note}
          never: {expression: 'steps["step-1"].status == "Failed"', template: note}
    - - {name: step2, template: echo}
${templates}`);
    const r = runWorkflow(wf);
    assert.equal(r.workflow.status?.phase, 'Succeeded', r.workflow.status?.message);
    const n = nodes(r.workflow);
    const step = n.get('wf[0].step-1');
    for (const h of ['running', 'success']) {
      const hook = n.get(`wf[0].step-1.hooks.${h}`);
      assert.equal(hook?.phase, 'Succeeded', h);
      assert.deepEqual(hook?.nodeFlag, { hooked: true });
      assert.ok(step?.children?.includes(hook.id), `${h} is a child of the step`);
    }
    assert.equal(n.get('wf[0].step-1.hooks.running')?.inputs?.parameters?.[0]?.value, 'run');
    assert.equal(n.has('wf[0].step-1.hooks.never'), false);
    const hookStart = n.get('wf[0].step-1.hooks.success')?.finishedAt ?? '';
    assert.ok((n.get('wf[1].step2')?.startedAt ?? '') >= hookStart, 'the next group waits for the hook');
  });

  test('dag: a task hook on failure runs, and dependents wait for it', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - name: a
        template: fail
        hooks:
          failed: {expression: tasks.a.status == "Failed", template: note}
      - {name: b, depends: a.Failed, template: echo}
  - name: fail
    container: {image: alpine, command: [sh, -c, "exit 1"]}
${templates}`);
    const r = runWorkflow(wf);
    const n = nodes(r.workflow);
    const hook = n.get('wf.a.hooks.failed');
    assert.equal(hook?.phase, 'Succeeded');
    assert.ok((n.get('wf.b')?.startedAt ?? '') >= (hook?.finishedAt ?? ''), 'b waits for a’s hook');
    assert.equal(r.workflow.status?.phase, 'Succeeded', 'a.Failed is handled by b');
  });

  test('an expression that cannot be evaluated errors the step group with the hook named', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: s
        template: echo
        hooks:
          bad: {expression: 'steps.s.status ==', template: note}
${templates}`);
    const r = runWorkflow(wf);
    // Argo: the group errors, and the steps node fails on it.
    assert.equal(r.workflow.status?.phase, 'Failed');
    const sg = nodes(r.workflow).get('wf[0]');
    assert.equal(sg?.phase, 'Error');
    assert.match(sg?.message ?? '', /hook wf\[0\]\.s\.hooks\.bad expression/);
  });
});

describe('workflow-level hooks', () => {
  test('a hook on workflow.status runs as <wf>.hooks.<name> under the root; the exit handler comes after', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  hooks:
    exit: {template: note}
    running: {expression: workflow.status == "Running", template: note}
    done: {expression: workflow.status == "Succeeded", template: note}
  templates:
  - name: main
    steps: [[{name: s, template: echo}]]
${templates}`);
    assert.deepEqual(validateWorkflow(wf), []);
    const r = runWorkflow(wf);
    assert.equal(r.workflow.status?.phase, 'Succeeded');
    const n = nodes(r.workflow);
    const root = n.get('wf');
    for (const h of ['running', 'done']) {
      const hook = n.get(`wf.hooks.${h}`);
      assert.equal(hook?.phase, 'Succeeded', h);
      assert.ok(root?.children?.includes(hook.id));
    }
    const exit = n.get('wf.onExit');
    assert.ok((exit?.startedAt ?? '') >= (n.get('wf.hooks.done')?.finishedAt ?? ''), 'exit after the hooks');
  });
});

describe('validation', () => {
  test('a hook other than exit needs an expression; podGC needs a known strategy (Argo messages)', () => {
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  podGC: {strategy: OnSomething}
  hooks:
    exit: {template: note}
    started: {template: note}
  templates:
  - name: main
    steps: [[{name: s, template: echo, hooks: {later: {template: note}}}]]
${templates}`);
    assert.deepEqual(
      validateWorkflow(wf).map((e) => [e.path, e.argo]),
      [
        ['spec.hooks.started.expression', 'hooks.started Expression required'],
        ['spec.templates[0].steps[0][0].hooks.later.expression', 'templates.main.steps[0].s.later Expression required'],
        ['spec.podGC.strategy', "podGC.strategy unknown strategy 'OnSomething'"],
      ],
    );
  });
});
