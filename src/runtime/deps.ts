/**
 * Builds the dependencies of the three handlers (reconcile, timer, resync) once per process, from
 * the configuration and the few things that differ between Lambda and local mode (the registry, the
 * SQS client, the decide function). Lambda handlers and the local pollers call the same factories.
 */
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { ControllerSettings } from '../engine/contract.ts';
import type { NudgePublisher } from '../ports/event-source.ts';
import type { ClusterRegistry } from '../ports/kube.ts';
import { createSqsPublisher } from '../adapters/aws/sqs-publisher.ts';
import type { SqsLike } from '../adapters/aws/sqs-sender.ts';
import { createRetryBackoff } from '../adapters/aws/sqs-retry.ts';
import type { EventPolicy } from './events.ts';
import { placementFor, policyCheck, type PolicyCheck } from './placement.ts';
import { guardStore } from '../clusters/store-guard.ts';
import { statusSubresourceProbe, type DecideFn, type ReconcileHooks } from './reconcile.ts';
import type { ReconcileHandlerDeps } from './reconcile-handler.ts';
import type { ResyncDeps } from './resync-handler.ts';
import type { TimerHandlerDeps } from './timer-handler.ts';
import type { StatusStorage } from './status-size.ts';
import type { CustomMetricsSink } from './custom-metrics.ts';
import { statusStorageFromConfig } from '../adapters/artifacts/node-status-s3.ts';

/** Counters of what the handlers did (bench, tests, local mode status). */
export interface RuntimeCounters {
  reconcileInvocations: number;
  reconcileRecords: number;
  reconciles: number;
  timerInvocations: number;
  nudgesPublished: number;
  /** Writes the reconcile counted itself (status, metadata, pods, events). */
  writes: number;
  /** Status conflicts (409) that led to a re-read and a new decision. */
  conflicts: number;
  /** Pods adopted after AlreadyExists. */
  adopted: number;
  /** Groups of nudges skipped because the last reconcile had already seen their objects. */
  seenSkips: number;
}

export interface RuntimeOptions {
  config: Config;
  logger: Logger;
  registry: ClusterRegistry;
  /** The SDK client (local mode) or the thin SigV4 client (Lambda). */
  sqs: SqsLike;
  /** Per function, when they must not share one (local mode records each function's AWS calls). */
  sqsFor?: (fn: 'reconcile' | 'timer' | 'resync') => SqsLike;
  decide: DecideFn;
  /** Replaces the placement check built from config.placementPolicy (tests). */
  policy?: PolicyCheck;
  events?: EventPolicy;
  hooks?: ReconcileHooks;
  now?: () => Date;
  /** Replaces the SQS publisher (tests). */
  publisher?: NudgePublisher;
  /** Replaces the status size and offload settings built from config (local mode records S3 calls). */
  statusStorage?: StatusStorage;
  /** Where workflows' custom metrics go: EMF lines in Lambda, the watcher's registry in local mode. */
  customMetrics?: CustomMetricsSink;
}

export interface RuntimeDeps {
  reconcile: ReconcileHandlerDeps;
  timer: TimerHandlerDeps;
  resync: ResyncDeps;
  publisher: NudgePublisher;
  counters: RuntimeCounters;
}

/** What the engine is told about the controller (ControllerSettings). */
function controllerSettings(config: Config): ControllerSettings {
  return {
    clusterName: config.clusterName,
    podNameFormat: config.podNameFormat,
    executorImage: config.executorImage,
    ...(config.executorResources ? { executorResources: JSON.parse(config.executorResources) } : {}),
    controllerNamespace: config.controllerNamespace,
    ...(config.instanceId ? { instanceId: config.instanceId } : {}),
    ...(config.transientTimeoutMs > 0 ? { transientTimeoutMs: config.transientTimeoutMs } : {}),
  };
}

function zeroCounters(): RuntimeCounters {
  return {
    reconcileInvocations: 0,
    reconcileRecords: 0,
    reconciles: 0,
    timerInvocations: 0,
    nudgesPublished: 0,
    writes: 0,
    conflicts: 0,
    adopted: 0,
    seenSkips: 0,
  };
}

/** Adds a reconcile's outcome (or a skip of nudges already seen) to the counters. */
function countReconciled(counters: RuntimeCounters): Pick<ReconcileHandlerDeps, 'onReconciled' | 'onSkipped'> {
  return {
    onReconciled: (_ref, result) => {
      counters.reconciles++;
      counters.writes += result.writes;
      counters.conflicts += result.attempts - 1;
      counters.adopted += result.adopted ?? 0;
    },
    onSkipped: () => counters.seenSkips++,
  };
}

type FunctionName = 'reconcile' | 'timer' | 'resync';

/** Wires the handler dependencies (async: a configured placement policy is parsed first). */
export async function createRuntimeDeps(options: RuntimeOptions): Promise<RuntimeDeps> {
  const { config, logger, registry } = options;
  const policy = options.policy ?? (await policyCheck(registry, config.placementPolicy));
  const now = options.now ?? (() => new Date());
  const counters = zeroCounters();
  const sqsFor = options.sqsFor ?? (() => options.sqs);
  const publisherFor = (fn: FunctionName): NudgePublisher =>
    options.publisher ??
    createSqsPublisher({
      client: sqsFor(fn),
      workQueueUrl: config.queueUrl,
      timerQueueUrl: config.timerQueueUrl,
      onSent: (n) => (counters.nudgesPublished += n),
    });
  const publisher = publisherFor('reconcile');
  const reconcile = reconcileDeps(options, { policy, now, counters, publisher, sqsFor });
  const timer: TimerHandlerDeps = {
    publisher: options.sqsFor ? publisherFor('timer') : publisher,
    logger: logger.child({ fn: 'timer' }),
    now,
    onInvocation: () => counters.timerInvocations++,
  };
  const resync: ResyncDeps = {
    mainClient: () => registry.mainClient(),
    publisher: options.sqsFor ? publisherFor('resync') : publisher,
    logger: logger.child({ fn: 'resync' }),
    managedNamespace: config.managedNamespace,
    instanceId: config.instanceId,
  };
  return { reconcile, timer, resync, publisher, counters };
}

/** The reconcile handler's dependencies. */
function reconcileDeps(
  options: RuntimeOptions,
  parts: {
    policy: PolicyCheck;
    now: () => Date;
    counters: RuntimeCounters;
    publisher: NudgePublisher;
    sqsFor: (fn: FunctionName) => SqsLike;
  },
): ReconcileHandlerDeps {
  const { config, logger, registry } = options;
  const { policy, now, counters, publisher, sqsFor } = parts;
  return {
    registry,
    decide: options.decide,
    // The controller namespace is refused whatever the policy (or a test's check) says: it holds the
    // credentials (clusters/store-guard.ts).
    placementFor: placementFor(
      guardStore(policy, {
        cluster: config.clusterName,
        namespace: config.controllerNamespace,
        secretName: config.secretName,
      }),
    ),
    publisher,
    controller: controllerSettings(config),
    managedNamespace: config.managedNamespace,
    logger: logger.child({ fn: 'reconcile' }),
    now,
    events: options.events ?? config.events,
    maxPodCreates: config.maxPodCreates,
    statusStorage: options.statusStorage ?? statusStorageFromConfig(config),
    executorMode: config.executorMode,
    // Discovery once per process, not per reconcile.
    statusSubresource: statusSubresourceProbe(registry),
    hooks: options.hooks,
    customMetrics: options.customMetrics,
    onInvocation: (records) => {
      counters.reconcileInvocations++;
      counters.reconcileRecords += records;
    },
    onFailedRecords: config.queueUrl
      ? createRetryBackoff({ client: sqsFor('reconcile'), queueUrl: config.queueUrl, logger })
      : undefined,
    ...countReconciled(counters),
  };
}
