/**
 * applyActions against recorded answers of two embedded API servers (tapes/apply.json, recorded by
 * tapes/record.ts): the requests each action makes and the outcome it reports to the engine.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyActions } from '../../../src/runtime/apply.ts';
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
