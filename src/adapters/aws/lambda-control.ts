/**
 * {@link EventSourceControl} over AWS Lambda: pausing disables the reconcile function's SQS event
 * source mapping, so nudges wait in the queue (up to its retention) instead of being consumed;
 * resuming enables it again. The mapping is found by function name (and queue ARN when given), so
 * operators need only the stack's function name.
 */
import {
  type EventSourceMappingConfiguration,
  type LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import type { EventSourceControl } from '../../ports/event-source.ts';

export type EventSourceState = Awaited<ReturnType<EventSourceControl['state']>>;

/** The function has no SQS event source mapping (wrong name or region, or not deployed). Terminal. */
export class EventSourceNotFoundError extends Error {
  override name = 'EventSourceNotFoundError' as const;
  readonly transient = false;
  constructor(
    readonly functionName: string,
    readonly queueArn?: string,
  ) {
    super(
      `no SQS event source mapping for function ${functionName}${queueArn ? ` and queue ${queueArn}` : ''}` +
        ' (check --function and the AWS region)',
    );
  }
}

/** More than one SQS mapping and no queue ARN to choose: refuse to guess. Terminal. */
export class AmbiguousEventSourceError extends Error {
  override name = 'AmbiguousEventSourceError' as const;
  readonly transient = false;
  constructor(
    readonly functionName: string,
    readonly queueArns: string[],
  ) {
    super(
      `function ${functionName} has ${queueArns.length} SQS event sources (${queueArns.join(', ')}); pass the queue ARN`,
    );
  }
}

export interface LambdaEventSourceControlOptions {
  client: LambdaClient;
  /** The reconcile function's name or ARN. */
  functionName: string;
  /** The work queue's ARN, to pick the mapping when a function has several. */
  queueArn?: string;
}

/** What `argosy doctor` and `argosy controller status` show about the mapping. */
export interface EventSourceDetails {
  uuid: string;
  state: EventSourceState;
  queueArn: string;
  batchSize?: number;
  maximumConcurrency?: number;
  lastProcessingResult?: string;
  stateTransitionReason?: string;
}

const KNOWN_STATES = new Set<EventSourceState>(['Enabled', 'Disabled', 'Enabling', 'Disabling']);

function toState(state: string | undefined): EventSourceState {
  return KNOWN_STATES.has(state as EventSourceState) ? (state as EventSourceState) : 'Unknown';
}

/**
 * Creates the Lambda-backed control.
 * @example
 * const control = createLambdaEventSourceControl({ client: new LambdaClient({}), functionName: 'argosy-prod-reconcile' });
 * await control.pause();
 */
export function createLambdaEventSourceControl(
  options: LambdaEventSourceControlOptions,
): EventSourceControl & { describe(): Promise<EventSourceDetails> } {
  const { client, functionName, queueArn } = options;

  async function findMapping(): Promise<EventSourceMappingConfiguration> {
    const sqsMappings: EventSourceMappingConfiguration[] = [];
    let marker: string | undefined;
    do {
      const page = await client.send(
        new ListEventSourceMappingsCommand({
          FunctionName: functionName,
          ...(queueArn ? { EventSourceArn: queueArn } : {}),
          ...(marker ? { Marker: marker } : {}),
        }),
      );
      for (const m of page.EventSourceMappings ?? []) {
        if (m.EventSourceArn?.startsWith('arn:') && m.EventSourceArn.split(':')[2] === 'sqs') sqsMappings.push(m);
      }
      marker = page.NextMarker;
    } while (marker);
    const wanted = queueArn ? sqsMappings.filter((m) => m.EventSourceArn === queueArn) : sqsMappings;
    if (wanted.length === 0) throw new EventSourceNotFoundError(functionName, queueArn);
    if (wanted.length > 1) {
      throw new AmbiguousEventSourceError(
        functionName,
        wanted.map((m) => m.EventSourceArn ?? ''),
      );
    }
    return wanted[0]!;
  }

  async function setEnabled(enabled: boolean): Promise<void> {
    const mapping = await findMapping();
    await client.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: enabled }));
  }

  return {
    pause: () => setEnabled(false),
    resume: () => setEnabled(true),
    async state() {
      return toState((await findMapping()).State);
    },
    async describe() {
      const m = await findMapping();
      return {
        uuid: m.UUID ?? '',
        state: toState(m.State),
        queueArn: m.EventSourceArn ?? '',
        ...(m.BatchSize !== undefined ? { batchSize: m.BatchSize } : {}),
        ...(m.ScalingConfig?.MaximumConcurrency !== undefined
          ? { maximumConcurrency: m.ScalingConfig.MaximumConcurrency }
          : {}),
        ...(m.LastProcessingResult ? { lastProcessingResult: m.LastProcessingResult } : {}),
        ...(m.StateTransitionReason ? { stateTransitionReason: m.StateTransitionReason } : {}),
      };
    },
  };
}
