/**
 * The queue and event-source checks behind `argosy doctor` (the store, clusters and watcher checks
 * are next to this file). Each returns findings and never throws: a check that cannot
 * run is itself a finding, with advice. Findings never contain credentials (entry keys only).
 */
import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createLambdaEventSourceControl } from '../../adapters/aws/lambda-control.ts';
import { createLocalEventSourceControl } from '../lib/local-control.ts';
import type { OpsDeps } from '../lib/ops-deps.ts';
import type { OpsTarget } from '../lib/deployment-target.ts';

export type Status = 'ok' | 'warn' | 'fail' | 'skip';

export interface Finding {
  check: string;
  status: Status;
  detail: string;
  /** What to do about it (warn/fail). */
  advice?: string;
}

/** The 14-day DLQ retention: the replay window. */
const REPLAY_WINDOW_S = 14 * 24 * 3600;

/** An error as `Name: message` for a finding. */
export const errText = (e: unknown) => `${(e as Error).name ?? 'Error'}: ${(e as Error).message ?? String(e)}`;

function queuesOf(t: OpsTarget): { work?: string; dlq?: string } {
  return t.kind === 'local'
    ? { work: t.state.queueUrls.work, dlq: t.state.queueUrls.dlq }
    : { work: t.queueUrl, dlq: t.dlqUrl };
}

async function attributes(deps: OpsDeps, t: OpsTarget, url: string): Promise<Record<string, string>> {
  const sqs = deps.sqs(t);
  try {
    const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    return out.Attributes ?? {};
  } finally {
    sqs.destroy();
  }
}

/** Age (s) of the oldest message CloudWatch has seen on the work queue in the last 5 minutes. */
async function oldestAgeSeconds(deps: OpsDeps, t: OpsTarget, queueUrl: string): Promise<number | undefined> {
  if (t.kind === 'local') return undefined; // the emulator has no CloudWatch
  const cw = deps.cloudwatch(t.region);
  try {
    const now = Date.now();
    const out = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: queueUrl.split('/').pop()! }],
        StartTime: new Date(now - 5 * 60_000),
        EndTime: new Date(now),
        Period: 60,
        Statistics: ['Maximum'],
      }),
    );
    const points = (out.Datapoints ?? []).map((d) => d.Maximum ?? 0);
    return points.length ? Math.max(...points) : undefined;
  } finally {
    cw.destroy();
  }
}

/** Work queue depth and age. */
export async function checkWorkQueue(deps: OpsDeps, t: OpsTarget, maxAgeS: number): Promise<Finding[]> {
  const url = queuesOf(t).work;
  if (!url)
    return [{ check: 'work queue', status: 'skip', detail: 'no queue URL', advice: 'pass --queue-url or --outputs' }];
  try {
    const a = await attributes(deps, t, url);
    const detail = `${a.ApproximateNumberOfMessages ?? '?'} waiting, ${a.ApproximateNumberOfMessagesNotVisible ?? '?'} in flight`;
    const out: Finding[] = [{ check: 'work queue', status: 'ok', detail }];
    const age = await oldestAgeSeconds(deps, t, url).catch(() => undefined);
    if (age !== undefined) {
      out.push(
        age > maxAgeS
          ? {
              check: 'work queue age',
              status: 'fail',
              detail: `oldest nudge waited ${Math.round(age)} s (> ${maxAgeS} s)`,
              advice:
                'is the event source paused (see below)? are reconcile invocations failing or throttled? check its logs',
            }
          : { check: 'work queue age', status: 'ok', detail: `oldest nudge ${Math.round(age)} s` },
      );
    }
    return out;
  } catch (e) {
    return [
      {
        check: 'work queue',
        status: 'fail',
        detail: `cannot read ${url}: ${errText(e)}`,
        advice: 'check the queue URL, the AWS region and credentials (sqs:GetQueueAttributes)',
      },
    ];
  }
}

/** Dead-letter queue depth, and how much of the replay window the oldest message has left. */
export async function checkDeadLetters(deps: OpsDeps, t: OpsTarget): Promise<Finding[]> {
  const url = queuesOf(t).dlq;
  if (!url)
    return [{ check: 'dead letters', status: 'skip', detail: 'no DLQ URL', advice: 'pass --dlq-url or --outputs' }];
  try {
    const a = await attributes(deps, t, url);
    const depth = Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
    if (depth === 0) return [{ check: 'dead letters', status: 'ok', detail: 'none' }];
    const age = await oldestDeadLetterAge(deps, t, url).catch(() => undefined);
    const left =
      age === undefined
        ? ''
        : `; oldest ${Math.floor(age / 3600)} h old, ${Math.floor((REPLAY_WINDOW_S - age) / 3600)} h left to replay`;
    return [
      {
        check: 'dead letters',
        status: 'fail',
        detail: `${depth} dead-lettered nudge(s)${left}`,
        advice: '`argosy replay --dry-run` lists the workflows; fix the cause (reconcile logs), then `argosy replay`',
      },
    ];
  } catch (e) {
    return [
      {
        check: 'dead letters',
        status: 'fail',
        detail: `cannot read ${url}: ${errText(e)}`,
        advice: 'check the DLQ URL and credentials',
      },
    ];
  }
}

/** Peeks (visibility 0: nothing is held) at a few DLQ messages for their send time. */
async function oldestDeadLetterAge(deps: OpsDeps, t: OpsTarget, url: string): Promise<number | undefined> {
  const sqs = deps.sqs(t);
  try {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    const sent = Messages.map((m) => Number(m.Attributes?.SentTimestamp ?? NaN)).filter(Number.isFinite);
    return sent.length ? (Date.now() - Math.min(...sent)) / 1000 : undefined;
  } finally {
    sqs.destroy();
  }
}

/** Whether the queue is being consumed (Lambda event source mapping, or the local poller). */
export async function checkEventSource(deps: OpsDeps, t: OpsTarget): Promise<Finding[]> {
  const check = 'event source';
  try {
    if (t.kind === 'local') {
      const state = await createLocalEventSourceControl(t.state, deps.fetch).state();
      return [stateFinding(state, 'local poller')];
    }
    if (!t.reconcileFunction)
      return [{ check, status: 'skip', detail: 'no function name', advice: 'pass --function, --stage or --outputs' }];
    const d = await createLambdaEventSourceControl({
      client: deps.lambda(t.region),
      functionName: t.reconcileFunction,
      ...(t.queueArn ? { queueArn: t.queueArn } : {}),
    }).describe();
    const f = stateFinding(
      d.state,
      `${t.reconcileFunction} (batch ${d.batchSize ?? '?'}, max concurrency ${d.maximumConcurrency ?? '-'})`,
    );
    const last = d.lastProcessingResult;
    if (f.status === 'ok' && last && !/^(OK|No records processed)$/i.test(last)) {
      return [
        {
          check,
          status: 'warn',
          detail: `${f.detail}; last processing result: ${last}`,
          advice: 'check the reconcile function logs and its role',
        },
      ];
    }
    return [f];
  } catch (e) {
    return [
      {
        check,
        status: 'fail',
        detail: errText(e),
        advice: 'check the function name, region and lambda:ListEventSourceMappings permission',
      },
    ];
  }
}

function stateFinding(state: string, what: string): Finding {
  if (state === 'Enabled') return { check: 'event source', status: 'ok', detail: `${what}: Enabled` };
  if (state === 'Enabling')
    return { check: 'event source', status: 'warn', detail: `${what}: Enabling`, advice: 'wait a minute and re-run' };
  return {
    check: 'event source',
    status: 'fail',
    detail: `${what}: ${state}`,
    advice: 'nudges are waiting in the queue; `argosy controller resume` when ready',
  };
}

/**
 * The timer queue's dead letters (AWS; the local stack has no timer DLQ). Only a warning: the
 * periodic resync re-nudges the affected workflows within 5 minutes anyway.
 */
export async function checkTimerDeadLetters(deps: OpsDeps, t: OpsTarget): Promise<Finding[]> {
  if (t.kind !== 'aws' || !t.timerDlqUrl) return [];
  const check = 'timer dead letters';
  try {
    const a = await attributes(deps, t, t.timerDlqUrl);
    const depth = Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
    if (depth === 0) return [{ check, status: 'ok', detail: 'none' }];
    return [
      {
        check,
        status: 'warn',
        detail: `${depth} dead-lettered wake-up(s); the resync covers them`,
        advice:
          'check the timer function logs; `argosy replay --dlq-url <TimerDeadLetterQueueUrl> --queue-url <TimerQueueUrl>`',
      },
    ];
  } catch (e) {
    return [{ check, status: 'warn', detail: `cannot read ${t.timerDlqUrl}: ${errText(e)}` }];
  }
}
