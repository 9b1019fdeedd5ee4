// Shared helpers of the fault tests: a captured logger (the injected sink), a stack with short
// retry settings, and the checks every fault test makes (phase, one pod per pod node, a trace).
import assert from 'node:assert/strict';
import { createLogger, type Logger } from '../../src/logger.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../src/local/stack.ts';
import type { Workflow } from '../../src/engine/types.ts';
import { isDone, podsOf } from '../integration/pipeline/helpers.ts';

export { chain, isDone, podsOf, until, adminClient } from '../integration/pipeline/helpers.ts';

/** A logger whose JSON lines are kept in memory (and echoed with ARGOSY_TEST_LOG=1). */
export interface CapturedLog {
  logger: Logger;
  lines: string[];
  /** Parsed records whose message matches. */
  find(message: RegExp): Record<string, unknown>[];
}

export function captureLog(level: 'DEBUG' | 'INFO' | 'WARN' = 'INFO'): CapturedLog {
  const lines: string[] = [];
  const echo = !!process.env.ARGOSY_TEST_LOG;
  const logger = createLogger({
    level,
    sink: (line) => {
      lines.push(line);
      if (echo) process.stderr.write(line + '\n');
    },
  });
  return {
    logger,
    lines,
    find: (message) =>
      lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => message.test(String(r.message))),
  };
}

/**
 * The stack every fault test uses: sim kubelet (300 ms pods), 1 s visibility and (unless told) no
 * periodic resync, so a recovery is the mechanism under test and not the resync.
 */
export async function faultStack(log: CapturedLog, opts: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({
    logger: log.logger,
    runtime: 'sim',
    resyncIntervalMs: 0,
    visibilityTimeoutSeconds: 1,
    maxReceiveCount: 10,
    ...opts,
    clusterOptions: { simDefaults: { durationMs: 300 }, ...opts.clusterOptions },
  });
}

/** Submits and waits until the workflow is done. */
export async function runToEnd(stack: LocalStack, wf: Workflow, timeoutMs = 45_000): Promise<Workflow> {
  const c = await stack.submit(wf, 'argo');
  return stack.waitFor('argo', c.metadata.name!, isDone, timeoutMs);
}

/**
 * The invariants of every fault: the expected phase, exactly one pod per pod node (no duplicate, no
 * lost step), every pod node in the expected phase. Returns the pods.
 */
export async function assertClean(stack: LocalStack, wf: Workflow, phase = 'Succeeded'): Promise<void> {
  assert.equal(wf.status?.phase, phase, `phase (message: ${wf.status?.message ?? ''})`);
  const podNodes = Object.values(wf.status?.nodes ?? {}).filter((n) => n.type === 'Pod');
  const pods = await podsOf(stack, wf.metadata.name!);
  assert.equal(pods.length, podNodes.length, 'one pod per pod node');
  assert.equal(new Set(pods.map((p) => `${p.cluster}/${p.pod.metadata.name}`)).size, pods.length, 'no duplicate pod');
  if (phase === 'Succeeded')
    assert.ok(
      podNodes.every((n) => n.phase === 'Succeeded'),
      'every step succeeded',
    );
}

/** A DAG: `a`, then `b` and `c` at once (c in cluster other), then `d`. Two pod creates in one decision. */
export function diamond(name: string): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${name}-` },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [
              { name: 'a', template: 'local' },
              { name: 'b', template: 'local', depends: 'a' },
              { name: 'c', template: 'remote', depends: 'a' },
              { name: 'd', template: 'local', depends: 'b && c' },
            ],
          },
        },
        { name: 'local', container: { image: 'argoproj/argosay:v2' } },
        {
          name: 'remote',
          clusterName: 'other',
          namespace: 'argo',
          serviceAccountName: 'workflow',
          container: { image: 'argoproj/argosay:v2' },
        },
      ],
    },
  } as Workflow;
}

/** Workflow name prefix (generateName's random suffix removed), to key per-test seams. */
export const prefixOf = (workflow: string) => workflow.replace(/-[a-z0-9]{5}$/, '');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
