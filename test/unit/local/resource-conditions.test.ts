/**
 * The pure parts of the local `argoexec resource` stand-in: Argo's success/failure conditions (label
 * selector syntax over gjson paths, as workflow/executor/resource.go evaluates them), kubectl JSONPath
 * output templates, and jq filters printed as Argo's executor prints gojq results.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  conditionState,
  ConditionError,
  gjsonGet,
  parseCondition,
  requirementText,
} from '../../../src/local/kubelet/argoexec/conditions.ts';
import { evalJsonPath, JsonPathError } from '../../../src/local/kubelet/argoexec/jsonpath.ts';
import { jqFilter } from '../../../src/local/kubelet/argoexec/jq.ts';

const job = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'rand-num-x', labels: { a: 'b' } },
  status: { succeeded: 3, failed: 0, phase: 'Running', conditions: [{ type: 'Complete', status: 'True' }] },
};

describe('resource conditions', () => {
  test('k8s-jobs conditions: numbers compare as integers; failure is checked first', () => {
    const success = parseCondition('status.succeeded > 2');
    const failure = parseCondition('status.failed > 1');
    assert.deepEqual(conditionState(job, success, failure), { state: 'succeeded' });
    assert.deepEqual(conditionState({ status: { succeeded: 1, failed: 0 } }, success, failure), { state: 'waiting' });
    assert.deepEqual(conditionState({ status: { succeeded: 3, failed: 2 } }, success, failure), {
      state: 'failed',
      message: "failure condition 'status.failed>1' evaluated true",
    });
  });

  test('in/notin, ==, !=, exists and !key over gjson paths (array index, #)', () => {
    const m = (c: string) => conditionState(job, parseCondition(c), []).state;
    assert.equal(m('status.phase in (Failed, Running)'), 'succeeded');
    assert.equal(m('status.phase notin (Running)'), 'waiting');
    assert.equal(m('status.phase == Running, metadata.labels.a = b'), 'succeeded');
    assert.equal(m('status.phase != Running'), 'waiting');
    assert.equal(m('status.missing != x'), 'succeeded', 'a missing key is not equal');
    assert.equal(m('status.conditions.0.type == Complete'), 'succeeded');
    assert.equal(m('status.conditions.# == 1'), 'succeeded');
    assert.equal(m('status.succeeded'), 'succeeded');
    assert.equal(m('!status.completionTime'), 'succeeded');
    assert.equal(m('status.phase > 1'), 'waiting', 'a non-number never compares');
    assert.equal(gjsonGet(job, 'metadata.name'), 'rand-num-x');
    assert.equal(
      requirementText(parseCondition('status.phase in (Failed, Error)')[0]!),
      'status.phase in (Failed,Error)',
    );
  });

  test('conditions that do not parse are errors', () => {
    assert.throws(() => parseCondition('status.succeeded > two'), ConditionError);
    assert.throws(() => parseCondition('status.phase === x y'), ConditionError);
  });
});

describe('resource outputs', () => {
  test('jsonPath as kubectl prints it', () => {
    assert.equal(evalJsonPath('{.metadata.name}', job), 'rand-num-x');
    assert.equal(evalJsonPath('name={.metadata.name}', job), 'name=rand-num-x');
    assert.equal(evalJsonPath('{.status.succeeded}', job), '3');
    assert.equal(evalJsonPath('{.status.conditions[0].type}', job), 'Complete');
    assert.equal(evalJsonPath("{.metadata.labels['a']}", job), 'b');
    assert.equal(evalJsonPath('{.status.conditions[*].status}', job), 'True');
    assert.equal(evalJsonPath('{.metadata.labels}', job), '{"a":"b"}');
    assert.equal(evalJsonPath('{.nothing}', job), '');
    assert.throws(() => evalJsonPath('{range .items[*]}{.x}{end}', job), JsonPathError);
  });

  test("jqFilter: strings raw, others as Go's json.Marshal (sorted keys), one per line", async () => {
    assert.equal(await jqFilter(job, '.metadata.name'), 'rand-num-x');
    assert.equal(await jqFilter({ b: 1, a: [true, null] }, '.'), '{"a":[true,null],"b":1}');
    assert.equal(await jqFilter(job, '.status.conditions[] | .type, .status'), 'Complete\nTrue');
    assert.equal(await jqFilter(job, '.status.succeeded + 1'), '4');
  });
});
