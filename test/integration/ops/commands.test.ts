// The ops commands end to end against the local stack pieces `argosy dev` runs: the local SQS
// (fauxqs over the SQS API), the local poller (the event source) and the dev control endpoint,
// found through a dev.json state file, exactly as a user's `argosy` process finds them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { Command } from 'commander';
import { startLocalQueues, type LocalQueues } from '../../../src/local/queue/sqs-server.ts';
import { startPoller, type Poller } from '../../../src/local/queue/poller.ts';
import { startControlServer } from '../../../src/cli/commands/dev.ts';
import type { LocalStack } from '../../../src/cli/lib/local-stack.ts';
import { writeDevState } from '../../../src/cli/lib/dev-state.ts';
import { makeControllerCommand } from '../../../src/cli/commands/controller.ts';
import { makeDoctorCommand } from '../../../src/cli/commands/doctor.ts';
import { makeReplayCommand } from '../../../src/cli/commands/replay.ts';
import { makeResyncCommand } from '../../../src/cli/commands/resync.ts';
import type { OpsDeps } from '../../../src/cli/lib/ops-deps.ts';
import { silentLogger } from '../../../src/logger.ts';
import { messageGroupId, parseNudge, type Nudge } from '../../../src/nudge.ts';

let queues: LocalQueues;
let poller: Poller;
let control: Server;
let home: string;
const handled: SQSRecord[] = [];
let resyncs = 0;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'argosy-ops-'));
  process.env.ARGOSY_HOME = home;
  queues = await startLocalQueues({ prefix: 'ops' });
  poller = startPoller({
    client: queues.client,
    queueUrl: queues.queueUrls.work,
    logger: silentLogger,
    waitTimeSeconds: 1,
    handler: async (event) => {
      handled.push(...event.Records);
      return { batchItemFailures: [] };
    },
  });
  // The control endpoint of `argosy dev`, over the real poller; resync is counted.
  const stack = { control: poller, resyncNow: async () => ({ nudged: ++resyncs }) } as unknown as LocalStack;
  const started = await startControlServer(stack);
  control = started.server;
  writeDevState(home, {
    pid: process.pid,
    kubeconfigPath: join(home, 'no-kubeconfig'),
    mainContext: 'main',
    mainCluster: 'main',
    namespace: 'argo',
    clusters: ['main'],
    sqsEndpoint: queues.endpoint,
    queueUrls: queues.queueUrls,
    controlUrl: started.url,
    startedAt: new Date().toISOString(),
  });
});

after(async () => {
  await poller?.stop();
  control?.close();
  await queues?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** Runs one command as the CLI would; returns its stdout and exit code. */
async function run(make: (deps: Partial<OpsDeps>) => Command, args: string[]): Promise<{ out: string; code?: number }> {
  let out = '';
  let code: number | undefined;
  const cmd = make({
    io: { out: (t) => void (out += t), err: (t) => void (out += t), isTTY: false },
    setExitCode: (c) => void (code = c),
  });
  cmd.exitOverride();
  await cmd.parseAsync(args, { from: 'user' });
  return { out, code };
}

async function visible(url: string): Promise<number> {
  const out = await queues.client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function eventually(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

function nudge(workflow: string): Nudge {
  return {
    v: 1,
    namespace: 'argo',
    workflow,
    source: 'pod',
    object: { cluster: 'main', namespace: 'argo', name: `${workflow}-1` },
  };
}

describe('ops commands against the local stack', () => {
  test('controller pause holds nudges in the queue; resume delivers them', async () => {
    assert.match((await run(makeControllerCommand, ['status'])).out, /local poller: Enabled/);

    const paused = await run(makeControllerCommand, ['pause']);
    assert.equal(paused.code, 0);
    await eventually('poller disabled', async () => (await poller.state()) === 'Disabled');

    const before = handled.length;
    const resync = await run(makeResyncCommand, ['argo/held-wf']);
    assert.match(resync.out, /nudged argo\/held-wf/);
    assert.equal(await visible(queues.queueUrls.work), 1, 'the nudge waits in the queue');
    assert.equal(handled.length, before);
    assert.match((await run(makeControllerCommand, ['status'])).out, /Disabled[\s\S]*1 waiting/);

    await run(makeControllerCommand, ['resume']);
    await eventually('nudge delivered', () => handled.some((r) => parseNudge(r.body).workflow === 'held-wf'));
    const record = handled.find((r) => parseNudge(r.body).workflow === 'held-wf')!;
    assert.equal(record.attributes.MessageGroupId, 'argo/held-wf');
    assert.equal(parseNudge(record.body).source, 'cli');
  });

  test('resync without a workflow asks the dev stack to resync everything', async () => {
    const before = resyncs;
    const out = await run(makeResyncCommand, []);
    assert.equal(resyncs, before + 1);
    assert.match(out.out, /resync requested \(\d+ workflow\(s\) nudged\)/);
  });

  test('replay --workflow moves that workflow back and prints it; doctor reports the rest', async () => {
    await run(makeControllerCommand, ['pause']);
    await eventually('poller disabled', async () => (await poller.state()) === 'Disabled');
    for (const [i, wf] of ['a', 'b', 'a'].entries()) {
      await queues.client.send(
        new SendMessageCommand({
          QueueUrl: queues.queueUrls.dlq,
          MessageBody: JSON.stringify(nudge(wf)),
          MessageGroupId: messageGroupId(nudge(wf)),
          MessageDeduplicationId: `cmd-${i}`,
        }),
      );
    }

    const dry = await run(makeReplayCommand, ['--dry-run']);
    assert.match(dry.out, /would move argo\/a/);
    assert.equal(await visible(queues.queueUrls.work), 0);

    const replay = await run(makeReplayCommand, ['--workflow', 'argo/a']);
    assert.equal(replay.code, 0);
    assert.equal(replay.out.match(/^moved argo\/a pod/gm)?.length, 2);
    assert.match(replay.out, /moved 2 message\(s\).*1 left in the dead-letter queue/);
    assert.equal(await visible(queues.queueUrls.work), 2);

    // One nudge still dead-lettered and the poller paused: doctor must say so and exit 1.
    const doctor = await run(makeDoctorCommand, ['--no-clusters']);
    assert.equal(doctor.code, 1);
    assert.match(doctor.out, /FAIL\s+dead letters\s+1 dead-lettered nudge/);
    assert.match(doctor.out, /argosy replay/);
    assert.match(doctor.out, /FAIL\s+event source\s+local poller: Disabled/);
    assert.match(doctor.out, /argosy controller resume/);
    assert.match(doctor.out, /ok\s+work queue\s+2 waiting/);

    await run(makeControllerCommand, ['resume']);
    await run(makeReplayCommand, []);
    await eventually('queue drained', async () => (await visible(queues.queueUrls.work)) === 0);
  });

  test('with nothing to act on, the commands say what to pass', async () => {
    const saved = process.env.ARGOSY_HOME;
    process.env.ARGOSY_HOME = join(home, 'empty');
    try {
      await assert.rejects(run(makeReplayCommand, []), (e: Error & { hint?: string }) => {
        assert.equal(e.name, 'CliError');
        assert.match(e.hint ?? '', /--outputs/);
        return true;
      });
    } finally {
      process.env.ARGOSY_HOME = saved;
    }
  });
});
