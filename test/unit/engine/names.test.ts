import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { displayNameOf, fnv32a, formatTime, nodeId, podName } from '../../../src/engine/index.ts';
import { childNodeId } from '../../../src/engine/names.ts';

describe("node IDs (vectors computed with Argo's Workflow.NodeID, fnv-32a of the node name)", () => {
  const vectors: [string, string, string][] = [
    ['steps-z2zdn', 'steps-z2zdn[0].hello1', 'steps-z2zdn-27420706'],
    ['steps-z2zdn', 'steps-z2zdn[1].hello2a', 'steps-z2zdn-2006760091'],
    ['steps-z2zdn', 'steps-z2zdn[1].hello2b', 'steps-z2zdn-2023537710'],
    ['my-wf', 'my-wf.A', 'my-wf-14620098'],
    ['my-wf', 'my-wf.onExit', 'my-wf-288712010'],
    ['my-wf', 'my-wf(0)', 'my-wf-2414688558'],
  ];
  for (const [wf, name, id] of vectors) {
    test(`${name} → ${id}`, () => assert.equal(nodeId(wf, name), id));
  }
  test('the root node ID is the workflow name', () => assert.equal(nodeId('my-wf', 'my-wf'), 'my-wf'));
  test('FNV-1a of the empty string is the offset basis', () => assert.equal(fnv32a(''), 2166136261));
  test('FNV-1a hashes UTF-8 bytes', () => assert.notEqual(fnv32a('é'), fnv32a('e')));
  test('childNodeId equals nodeId of the joined name (ASCII and not)', () => {
    assert.equal(childNodeId('my-wf', 'my-wf', 'A'), 'my-wf-14620098');
    assert.equal(childNodeId('w', 'w.x', 'tâche'), nodeId('w', 'w.x.tâche'));
  });
});

describe('pod names', () => {
  test('v2: <wf>-<template>-<hash>', () =>
    assert.equal(
      podName('steps-z2zdn', 'steps-z2zdn[0].hello1', 'print-message'),
      'steps-z2zdn-print-message-27420706',
    ));
  test('v2 pod name of a DAG task', () =>
    assert.equal(podName('dag-abc12', 'dag-abc12.A', 'echo'), 'dag-abc12-echo-3668367928'));
  test('v1 = node ID', () =>
    assert.equal(podName('steps-z2zdn', 'steps-z2zdn[0].hello1', 'print-message', 'v1'), 'steps-z2zdn-27420706'));
  test('root pod is named after the workflow', () => assert.equal(podName('hello', 'hello', 'main'), 'hello'));
  test('empty template name omits the segment', () => assert.equal(podName('my-wf', 'my-wf.A', ''), 'my-wf-14620098'));
  test('long prefixes are cut at 242 characters', () => {
    const name = podName('w'.repeat(200), 'x', 't'.repeat(100));
    assert.equal(name.length, 242 + 1 + String(fnv32a('x')).length);
  });
});

describe('display names and times', () => {
  test('steps child', () => assert.equal(displayNameOf('wf[0].hello1', 'wf'), 'hello1'));
  test('step group keeps its brackets', () => assert.equal(displayNameOf('wf[1]', 'wf'), '[1]'));
  test('DAG task', () => assert.equal(displayNameOf('wf.A', 'wf'), 'A'));
  test('expanded item', () => assert.equal(displayNameOf('wf.B(0:foo)', 'wf'), 'B(0:foo)'));
  test('RFC 3339 without millis', () =>
    assert.equal(formatTime(new Date('2026-01-02T15:04:05.678Z')), '2026-01-02T15:04:05Z'));
});
