// The Lambda-backed EventSourceControl: pause/resume must flip exactly the reconcile function's SQS
// mapping, found by function name, and refuse to guess when that is ambiguous.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LambdaClient, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createLambdaEventSourceControl } from '../../../src/adapters/aws/lambda-control.ts';

const lambdaMock = mockClient(LambdaClient);
const fn = 'argosy-test-reconcile';
const workArn = 'arn:aws:sqs:us-east-1:123456789012:argosy-test-work.fifo';
const otherArn = 'arn:aws:sqs:us-east-1:123456789012:other.fifo';

function control(queueArn?: string) {
  return createLambdaEventSourceControl({
    client: new LambdaClient({ region: 'us-east-1' }),
    functionName: fn,
    ...(queueArn ? { queueArn } : {}),
  });
}

afterEach(() => lambdaMock.reset());

describe('createLambdaEventSourceControl', () => {
  test('pause disables the mapping found by function name; resume enables it', async () => {
    lambdaMock.on(ListEventSourceMappingsCommand).resolves({
      EventSourceMappings: [
        { UUID: 'kinesis-1', EventSourceArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/x', State: 'Enabled' },
        { UUID: 'sqs-1', EventSourceArn: workArn, State: 'Enabled' },
      ],
    });
    lambdaMock.on(UpdateEventSourceMappingCommand).resolves({ UUID: 'sqs-1', State: 'Disabling' });

    await control().pause();
    await control().resume();

    const lists = lambdaMock.commandCalls(ListEventSourceMappingsCommand);
    assert.equal(lists[0]!.args[0].input.FunctionName, fn);
    const updates = lambdaMock.commandCalls(UpdateEventSourceMappingCommand).map((c) => c.args[0].input);
    assert.deepEqual(updates, [
      { UUID: 'sqs-1', Enabled: false },
      { UUID: 'sqs-1', Enabled: true },
    ]);
  });

  test('follows pagination to find the mapping', async () => {
    lambdaMock
      .on(ListEventSourceMappingsCommand, { FunctionName: fn })
      .resolvesOnce({ EventSourceMappings: [], NextMarker: 'page2' })
      .resolvesOnce({ EventSourceMappings: [{ UUID: 'sqs-2', EventSourceArn: workArn, State: 'Disabled' }] });
    assert.equal(await control().state(), 'Disabled');
    assert.equal(lambdaMock.commandCalls(ListEventSourceMappingsCommand)[1]!.args[0].input.Marker, 'page2');
  });

  test('with two SQS mappings it needs the queue ARN, and then picks that one', async () => {
    lambdaMock.on(ListEventSourceMappingsCommand).resolves({
      EventSourceMappings: [
        { UUID: 'a', EventSourceArn: otherArn, State: 'Enabled' },
        { UUID: 'b', EventSourceArn: workArn, State: 'Enabled' },
      ],
    });
    lambdaMock.on(UpdateEventSourceMappingCommand).resolves({});
    await assert.rejects(control().pause(), { name: 'AmbiguousEventSourceError' });
    assert.equal(lambdaMock.commandCalls(UpdateEventSourceMappingCommand).length, 0);

    await control(workArn).pause();
    assert.deepEqual(lambdaMock.commandCalls(UpdateEventSourceMappingCommand)[0]!.args[0].input, {
      UUID: 'b',
      Enabled: false,
    });
  });

  test('no mapping is a terminal error naming the function; unknown states map to Unknown', async () => {
    lambdaMock.on(ListEventSourceMappingsCommand).resolvesOnce({ EventSourceMappings: [] });
    await assert.rejects(
      control().resume(),
      (e: Error) => e.name === 'EventSourceNotFoundError' && e.message.includes(fn),
    );

    lambdaMock.on(ListEventSourceMappingsCommand).resolves({
      EventSourceMappings: [
        {
          UUID: 'c',
          EventSourceArn: workArn,
          State: 'Updating',
          BatchSize: 10,
          ScalingConfig: { MaximumConcurrency: 50 },
        },
      ],
    });
    assert.equal(await control().state(), 'Unknown');
    const details = await control().describe();
    assert.deepEqual(details, {
      uuid: 'c',
      state: 'Unknown',
      queueArn: workArn,
      batchSize: 10,
      maximumConcurrency: 50,
    });
  });
});
