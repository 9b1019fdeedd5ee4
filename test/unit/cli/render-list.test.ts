import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Workflow } from '../../../src/engine/types.ts';
import { renderList } from '../../../src/cli/render/list.ts';
import { humanizeDuration } from '../../../src/engine/retry/durations.ts';
import { relativeTime, shortDuration, formatGoDate } from '../../../src/cli/render/time.ts';

const now = new Date(Date.UTC(2026, 10, 24, 12, 0, 0));
const ago = (s: number): string => new Date(now.getTime() - s * 1000).toISOString();

function wf(
  name: string,
  phase: string,
  created: number,
  started?: number,
  finished?: number,
  message?: string,
): Workflow {
  return {
    metadata: { name, namespace: 'argo', creationTimestamp: ago(created) },
    spec: {},
    status: {
      phase: phase as 'Running',
      ...(started !== undefined ? { startedAt: ago(started) } : {}),
      ...(finished !== undefined ? { finishedAt: ago(finished) } : {}),
      ...(message ? { message } : {}),
    },
  };
}

describe('argo list layout', () => {
  test('columns, padding 3, running first then newest finished', () => {
    const lines = renderList(
      [
        wf('old-one', 'Succeeded', 7200, 7200, 7100),
        wf('failed-one', 'Failed', 300, 300, 240, 'child failed'),
        wf('running-one', 'Running', 65, 65),
      ],
      { now },
    );
    assert.deepEqual(lines, [
      'NAME          STATUS      AGE   DURATION   PRIORITY   MESSAGE',
      'running-one   Running     1m    1m         0',
      'failed-one    Failed      5m    1m         0          child failed',
      'old-one       Succeeded   2h    1m         0',
    ]);
  });

  test('-A adds NAMESPACE first; an empty list prints the header only', () => {
    assert.deepEqual(renderList([], { now, allNamespaces: true }), [
      'NAMESPACE   NAME   STATUS   AGE   DURATION   PRIORITY   MESSAGE',
    ]);
  });
});

describe('argo humanize', () => {
  test('durations and relative times read like argo', () => {
    // The Duration: line uses the engine's humanizeDuration, Argo's util/humanize (its test values).
    assert.equal(humanizeDuration(10_000), '10 seconds');
    assert.equal(humanizeDuration(1_000), '1 second');
    assert.equal(humanizeDuration(60_000), '1 minute 0 seconds');
    assert.equal(humanizeDuration(90_000), '1 minute 30 seconds');
    assert.equal(humanizeDuration(3_600_000), '1 hour 0 minutes');
    assert.equal(humanizeDuration(86_400_000), '1 day 0 hours');
    assert.equal(relativeTime(new Date(now.getTime() - 500), now), 'now');
    assert.equal(relativeTime(new Date(now.getTime() - 1500), now), '1 second ago');
    assert.equal(relativeTime(new Date(now.getTime() - 45 * 60_000), now), '45 minutes ago');
    assert.equal(shortDuration(new Date(now.getTime() - 90 * 60_000), undefined, now), '1h');
    assert.equal(formatGoDate(now, -480), 'Tue Nov 24 04:00:00 -0800');
  });
});
