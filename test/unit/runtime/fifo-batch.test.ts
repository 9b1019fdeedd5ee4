import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SQSRecord } from 'aws-lambda';
import { groupRecords, processFifoBatch } from '../../../src/runtime/fifo-batch.ts';

function record(id: string, group: string, body = '{}'): SQSRecord {
  return {
    messageId: id,
    receiptHandle: id,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 's',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: group,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn',
    awsRegion: 'us-east-1',
  };
}

describe('processFifoBatch', () => {
  test('groups keep arrival order', () => {
    const groups = groupRecords([record('1', 'a'), record('2', 'b'), record('3', 'a')]);
    assert.deepEqual(
      groups.map((g) => [g.groupId, g.records.map((r) => r.messageId)]),
      [
        ['a', ['1', '3']],
        ['b', ['2']],
      ],
    );
  });

  test('a failure fails every later record of its group, and only its group', async () => {
    // Prepare
    const records = [record('1', 'a'), record('2', 'b'), record('3', 'a'), record('4', 'a'), record('5', 'c')];
    // Act
    const res = await processFifoBatch(records, async (g) =>
      g.groupId === 'a' ? { ok: false, failedFrom: 1, error: new Error('x') } : { ok: true },
    );
    // Assess
    assert.deepEqual(
      res.batchItemFailures.map((f) => f.itemIdentifier),
      ['3', '4'],
    );
  });

  test('a thrown callback fails the whole group; the group is handed over once', async () => {
    let calls = 0;
    const res = await processFifoBatch([record('1', 'a'), record('2', 'a'), record('3', 'b')], async (g) => {
      calls++;
      if (g.groupId === 'b') throw new Error('boom');
      return { ok: true };
    });
    assert.equal(calls, 2);
    assert.deepEqual(
      res.batchItemFailures.map((f) => f.itemIdentifier),
      ['3'],
    );
  });

  test('groups not started before the deadline are reported failed', async () => {
    let started = 0;
    const res = await processFifoBatch(
      [record('1', 'a'), record('2', 'b'), record('3', 'c')],
      async () => {
        started++;
        return { ok: true };
      },
      { concurrency: 1, shouldStop: () => started >= 1 },
    );
    assert.equal(started, 1);
    assert.deepEqual(
      res.batchItemFailures.map((f) => f.itemIdentifier),
      ['2', '3'],
    );
  });
});

describe('error classes', () => {
  test('terminal vs transient', async () => {
    const { isTransientError, StatusConflictError, PoisonMessageError } =
      await import('../../../src/runtime/errors.ts');
    const { KubeApiError } = await import('../../../src/adapters/kube/errors.ts');
    const api = (statusCode: number, reason = '') =>
      new KubeApiError({ statusCode, reason, cluster: 'other', verb: 'GET', path: '/api/v1/pods' });
    assert.equal(isTransientError(api(503)), true);
    assert.equal(isTransientError(api(429)), true);
    assert.equal(isTransientError(api(409, 'Conflict')), true);
    assert.equal(isTransientError(api(403, 'Forbidden')), true, 'RBAC can be fixed: retry, then DLQ');
    assert.equal(isTransientError(api(422, 'Invalid')), false);
    assert.equal(isTransientError(new StatusConflictError({ namespace: 'a', workflow: 'b', attempts: 3 })), true);
    assert.equal(isTransientError(Object.assign(new Error('x'), { terminal: true })), false);
    assert.equal(isTransientError(new PoisonMessageError('m', new Error('bad'))), true);
  });
});
