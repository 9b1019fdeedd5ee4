import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Workflow } from '../../../src/engine/types.ts';
import { renderList } from '../../../src/cli/render/list.ts';
import { humanDuration, relativeTime, shortDuration, formatGoDate } from '../../../src/cli/render/time.ts';

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
    assert.equal(humanDuration(10_000), '10 seconds');
    assert.equal(humanDuration(63_000), '1 minutes 3 seconds');
    assert.equal(humanDuration(3_725_000), '1 hours 2 minutes 5 seconds');
    assert.equal(relativeTime(new Date(now.getTime() - 500), now), 'now');
    assert.equal(relativeTime(new Date(now.getTime() - 1500), now), '1 second ago');
    assert.equal(relativeTime(new Date(now.getTime() - 45 * 60_000), now), '45 minutes ago');
    assert.equal(shortDuration(new Date(now.getTime() - 90 * 60_000), undefined, now), '1h');
    assert.equal(formatGoDate(now, -480), 'Tue Nov 24 04:00:00 -0800');
  });
});
