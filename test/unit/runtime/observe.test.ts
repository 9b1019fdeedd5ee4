/**
 * observePods against recorded answers of two embedded API servers (tapes/observe.json, recorded by
 * tapes/record.ts): what it asks each cluster, and what it makes of the answers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { observePods } from '../../../src/runtime/observe.ts';
import { replaying, tapeRegistry, type Tape } from './tape.ts';
import { OBSERVED_WORKFLOW } from './tapes/observe-workflow.ts';

const TAPE = JSON.parse(readFileSync(join(import.meta.dirname, 'tapes/observe.json'), 'utf8')) as Tape;

/** A registry whose clients answer from the tape. */
function replayed() {
  const main = replaying(TAPE, 'main');
  const other = replaying(TAPE, 'other');
  return { registry: tapeRegistry('main', { main, other }), main, other };
}

describe('observePods against recorded API answers', () => {
  test("this workflow's pods in each place; an earlier namesake's pod left out; a refused place reported", async () => {
    const { registry, main, other } = replayed();
    const seen = await observePods(registry, OBSERVED_WORKFLOW, '');
    assert.deepEqual(
      seen.pods.map((p) => `${p.cluster}/${p.namespace}/${p.pod.metadata.name}`),
      ['main/argo/wf-a-1', 'other/argo/wf-b-2'],
    );
    assert.deepEqual(seen.unconfigured, []);
    assert.equal(seen.unobserved.length, 1);
    const [batch] = seen.unobserved;
    assert.equal(`${batch?.cluster}/${batch?.namespace}`, 'other/batch');
    assert.equal(batch?.outcome.kind, 'rejected');
    assert.match(batch?.outcome.message ?? '', /cannot list resource "pods".*"batch"/);
    assert.equal(main.left() + other.left(), 0, 'every recorded exchange was asked for');
  });

  test('another controller instance asks with another selector: not on the tape, so it fails', async () => {
    const { registry } = replayed();
    await assert.rejects(observePods(registry, OBSERVED_WORKFLOW, 'i1'), /not on the main tape/);
  });
});
