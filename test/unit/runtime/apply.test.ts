/**
 * applyActions against recorded answers of two embedded API servers (tapes/apply.json, recorded by
 * tapes/record.ts): the requests each action makes and the outcome it reports to the engine.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyActions } from '../../../src/runtime/apply.ts';
import type { Action } from '../../../src/engine/contract.ts';
import type { KubeClient, KubeRequest } from '../../../src/ports/kube.ts';
import { silentLogger } from '../../../src/logger.ts';
import { replaying, tapeRegistry, type Tape } from './tape.ts';
import { APPLIED_ACTIONS, OBSERVED_WORKFLOW } from './tapes/observe-workflow.ts';

const TAPE = JSON.parse(readFileSync(join(import.meta.dirname, 'tapes/apply.json'), 'utf8')) as Tape;

describe('applyActions against recorded API answers', () => {
  test('a create, a label, a refused delete and a delete of a pod already gone: each outcome as the server answered', async () => {
    const main = replaying(TAPE, 'main');
    const other = replaying(TAPE, 'other');
    const deps = {
      registry: tapeRegistry('main', { main, other }),
      logger: silentLogger,
      now: () => new Date(0),
      parallelism: 1,
    };
    const result = await applyActions(deps, OBSERVED_WORKFLOW, APPLIED_ACTIONS);
    assert.deepEqual(
      { created: result.created, labelled: result.labelled, deleted: result.deleted },
      { created: 1, labelled: 1, deleted: 0 },
    );
    const outcomes = result.outcomes.map(
      (o) => `${o.action.kind} ${'name' in o.action ? o.action.name : ''} ${o.outcome.kind}`,
    );
    assert.deepEqual(outcomes, [
      'CreatePod  done',
      'LabelPodCompleted wf-a-1 done',
      'DeletePod wf-c-4 rejected',
      'DeletePod wf-gone already-there',
    ]);
    const refused = result.outcomes[2]?.outcome;
    assert.equal(refused?.kind === 'rejected' ? refused.statusCode : undefined, 403);
    assert.equal(main.left() + other.left(), 0, 'every recorded exchange was asked for');
  });
});

describe('creates held back by the invocation budget', () => {
  test('past the share of the budget for creates, the creates left are held (counted), other actions still run', async () => {
    let requests = 0;
    const client: KubeClient = {
      cluster: 'main',
      request: async <T>(req: KubeRequest) => (requests++, (req.body ?? {}) as T),
      stream: () => Promise.reject(new Error('not used')),
      watch: () => Promise.reject(new Error('not used')),
    };
    const pod = (i: number): Action => ({
      kind: 'CreatePod',
      cluster: 'main',
      namespace: 'argo',
      nodeId: `n${i}`,
      pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'argo' }, spec: { containers: [] } },
    });
    const label: Action = { kind: 'LabelPodCompleted', cluster: 'main', namespace: 'argo', name: 'done-1' };
    const deps = {
      registry: tapeRegistry('main', { main: client }),
      logger: silentLogger,
      now: () => new Date(0),
      parallelism: 1,
      // The budget's share for creates is used up once 3 are made.
      holdCreates: (made: number) => made >= 3,
    };
    const result = await applyActions(deps, OBSERVED_WORKFLOW, [
      ...Array.from({ length: 10 }, (_, i) => pod(i)),
      label,
    ]);
    assert.equal(result.created, 3);
    assert.equal(result.held, 7);
    assert.equal(result.labelled, 1);
    assert.equal(requests, 4, 'no request for a held create');
    assert.equal(result.outcomes.length, 4, 'a held create has no outcome: the next reconcile plans it again');
  });
});
