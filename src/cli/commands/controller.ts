/**
 * `argosy controller pause|resume|status`: stops and restarts consumption of the work queue. In AWS
 * it disables/enables the reconcile function's SQS event source mapping; locally it pauses the
 * `argosy dev` poller. Nudges wait in the queue meanwhile (up to its 4-day retention), so pausing
 * is the first step of an upgrade (docs/operations.md).
 */
import { Command } from 'commander';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createLambdaEventSourceControl } from '../../adapters/aws/lambda-control.ts';
import { loadConfig } from '../../config.ts';
import type { EventSourceControl } from '../../ports/event-source.ts';
import { createLocalEventSourceControl } from '../lib/local-control.ts';
import { explained, opsDeps, type OpsDeps } from '../lib/ops-deps.ts';
import {
  need,
  resolveOpsTarget,
  withTargetOptions,
  type OpsTarget,
  type TargetFlags,
} from '../lib/deployment-target.ts';

interface ControllerFlags extends TargetFlags {
  wait?: boolean;
}

function controlFor(target: OpsTarget, deps: OpsDeps): EventSourceControl {
  if (target.kind === 'local') return createLocalEventSourceControl(target.state, deps.fetch);
  return createLambdaEventSourceControl({
    client: deps.lambda(target.region),
    functionName: need(target.reconcileFunction, 'the reconcile function name', '--function or --stage'),
    ...(target.queueArn ? { queueArn: target.queueArn } : {}),
  });
}

/** Visible / in-flight / delayed counts of a queue, or undefined if it cannot be read. */
export async function queueDepth(
  deps: OpsDeps,
  target: OpsTarget,
  queueUrl: string | undefined,
): Promise<{ visible: number; inFlight: number; delayed: number } | undefined> {
  if (!queueUrl) return undefined;
  const sqs = deps.sqs(target);
  try {
    const { Attributes: a = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return {
      visible: Number(a.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  } finally {
    sqs.destroy();
  }
}

async function waitFor(control: EventSourceControl, wanted: 'Enabled' | 'Disabled', timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await control.state();
    if (state === wanted || Date.now() > deadline) return state;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function report(deps: OpsDeps, target: OpsTarget, control: EventSourceControl): Promise<void> {
  const state = await control.state();
  const queueUrl = target.kind === 'local' ? target.state.queueUrls.work : target.queueUrl;
  const depth = await queueDepth(deps, target, queueUrl).catch(() => undefined);
  const where = target.kind === 'local' ? 'local poller' : `event source of ${target.reconcileFunction}`;
  deps.io.out(`${where}: ${state}\n`);
  if (depth) deps.io.out(`work queue: ${depth.visible} waiting, ${depth.inFlight} in flight\n`);
}

/**
 * Builds `argosy controller`.
 * @example
 * program.addCommand(makeControllerCommand());
 */
export function makeControllerCommand(overrides: Partial<OpsDeps> = {}): Command {
  const deps = opsDeps(overrides);
  const cmd = new Command('controller').description('pause, resume or inspect consumption of the work queue');
  const sub = (name: 'pause' | 'resume' | 'status', description: string) => {
    const c = withTargetOptions(new Command(name).description(description));
    if (name !== 'status')
      c.option('--wait', `wait until the event source is ${name === 'pause' ? 'Disabled' : 'Enabled'}`);
    c.action(
      explained(async (flags: ControllerFlags) => {
        const target = resolveOpsTarget(flags, loadConfig().home);
        const control = controlFor(target, deps);
        if (name === 'pause') {
          await control.pause();
          deps.io.out('paused: nudges now wait in the queue; `argosy controller resume` continues\n');
          if (flags.wait) deps.io.out(`event source: ${await waitFor(control, 'Disabled')}\n`);
        } else if (name === 'resume') {
          await control.resume();
          deps.io.out('resumed: the queue is being consumed again\n');
          if (flags.wait) deps.io.out(`event source: ${await waitFor(control, 'Enabled')}\n`);
        } else {
          await report(deps, target, control);
        }
        deps.setExitCode(0);
      }),
    );
    cmd.addCommand(c);
  };
  sub('pause', 'stop consuming the work queue (nudges wait; nothing is lost)');
  sub('resume', 'consume the work queue again');
  sub('status', 'show whether the work queue is being consumed, and its depth');
  return cmd;
}
