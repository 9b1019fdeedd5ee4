/**
 * `argosy resync [NS/NAME]`: asks for a level-triggered re-read now instead of at the next periodic
 * resync. Without an argument every unfinished workflow is nudged (AWS: invokes the resync function;
 * local: the `argosy dev` control endpoint). With one, a single `cli` nudge goes to the work queue:
 * through the queue rather than invoking reconcile directly, so the workflow's message group still
 * guarantees one reconcile at a time.
 */
import { Command } from 'commander';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { createSqsPublisher } from '../../adapters/aws/sqs-publisher.ts';
import { loadConfig } from '../../config.ts';
import type { Nudge } from '../../nudge.ts';
import { failure } from '../lib/errors.ts';
import { callDevControl } from '../lib/local-control.ts';
import { explained, opsDeps, type OpsDeps } from '../lib/ops-deps.ts';
import { parseWorkflowRef } from './replay.ts';
import {
  need,
  resolveOpsTarget,
  withTargetOptions,
  type OpsTarget,
  type TargetFlags,
} from '../lib/deployment-target.ts';

async function nudgeOne(deps: OpsDeps, target: OpsTarget, ref: { namespace: string; name: string }): Promise<void> {
  const queueUrl =
    target.kind === 'local' ? target.state.queueUrls.work : need(target.queueUrl, 'the work queue URL', '--queue-url');
  const sqs = deps.sqs(target);
  try {
    const publisher = createSqsPublisher({ client: sqs, workQueueUrl: queueUrl, timerQueueUrl: '' });
    const nudge: Nudge = { v: 1, namespace: ref.namespace, workflow: ref.name, source: 'cli', change: 'argosy resync' };
    await publisher.publish([nudge]);
  } finally {
    sqs.destroy();
  }
  deps.io.out(`nudged ${ref.namespace}/${ref.name}\n`);
}

async function resyncAll(deps: OpsDeps, target: OpsTarget): Promise<void> {
  if (target.kind === 'local') {
    const body = await callDevControl(target.state, 'resync', deps.fetch);
    const result = (body.result ?? body) as { nudged?: unknown } | null;
    const count = typeof result?.nudged === 'number' ? ` (${result.nudged} workflow(s) nudged)` : '';
    deps.io.out(`resync requested${count}\n`);
    return;
  }
  const fn = need(target.resyncFunction, 'the resync function name', '--resync-function or --stage');
  const lambda = deps.lambda(target.region);
  try {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: fn, InvocationType: 'RequestResponse', Payload: '{}' }),
    );
    const payload = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    if (out.FunctionError) {
      throw failure(
        `resync function ${fn} failed: ${payload.slice(0, 500)}`,
        `see its logs: aws logs tail /aws/lambda/${fn}`,
      );
    }
    let nudged = '';
    try {
      const n = (JSON.parse(payload) as { nudged?: unknown }).nudged;
      if (typeof n === 'number') nudged = ` (${n} workflow(s) nudged)`;
    } catch {
      // a handler that returns nothing is fine
    }
    deps.io.out(`resync ran${nudged}\n`);
  } finally {
    lambda.destroy();
  }
}

/**
 * Builds `argosy resync`.
 * @example
 * program.addCommand(makeResyncCommand());
 */
export function makeResyncCommand(overrides: Partial<OpsDeps> = {}): Command {
  const deps = opsDeps(overrides);
  const cmd = new Command('resync')
    .description('re-read workflows now: every unfinished one, or NS/NAME only')
    .argument('[ns/name]', 'one workflow', parseWorkflowRef);
  withTargetOptions(cmd).action(
    explained(async (ref: { namespace: string; name: string } | undefined, flags: TargetFlags) => {
      const target = resolveOpsTarget(flags, loadConfig().home);
      if (ref) await nudgeOne(deps, target, ref);
      else await resyncAll(deps, target);
      deps.setExitCode(0);
    }),
  );
  return cmd;
}
