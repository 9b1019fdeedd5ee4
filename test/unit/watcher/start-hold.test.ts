import { describe, test, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { Nudge } from '../../../src/nudge.ts';
import { startHold } from '../../../src/watcher/start-hold.ts';

const nudge = (rv: string): Nudge => ({
  v: 1,
  namespace: 'argo',
  workflow: 'wf',
  source: 'pod',
  object: { cluster: 'main', namespace: 'argo', name: 'p', uid: 'pod-uid', resourceVersion: rv },
});
const pod = (phase: string, extra: Record<string, unknown> = {}) => ({
  metadata: { uid: 'pod-uid' },
  status: { phase },
  ...extra,
});

function recorder() {
  const sent: { rv: string | undefined; reason: string | undefined }[] = [];
  return {
    sent,
    send: (n: Nudge | undefined, reason: string | undefined) => sent.push({ rv: n?.object?.resourceVersion, reason }),
  };
}

describe('pod start hold (watcher)', () => {
  test('start changes of a pod that ends within the hold are dropped; its ending goes at once', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const r = recorder();
      const hold = startHold(r.send, 1000);
      hold.pod('MODIFIED', pod('Pending'), nudge('2'), 'pod changed');
      hold.pod('MODIFIED', pod('Running'), nudge('3'), 'pod changed');
      assert.deepEqual(r.sent, [{ rv: '2', reason: undefined }], 'the replaced change counts as dropped');
      hold.pod('MODIFIED', pod('Succeeded'), nudge('4'), 'pod changed');
      assert.deepEqual(r.sent.slice(1), [
        { rv: '3', reason: undefined },
        { rv: '4', reason: 'pod changed' },
      ]);
      mock.timers.tick(5000);
      assert.equal(r.sent.length, 3, 'nothing more after the hold');
      assert.equal(hold.size(), 0);
    } finally {
      mock.timers.reset();
    }
  });

  test('a pod still running when the hold ends is reported then, with its latest change', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const r = recorder();
      const hold = startHold(r.send, 1000);
      hold.pod('MODIFIED', pod('Pending'), nudge('2'), 'pod changed');
      mock.timers.tick(600);
      hold.pod('MODIFIED', pod('Running'), nudge('3'), 'pod changed');
      mock.timers.tick(400);
      assert.deepEqual(r.sent.at(-1), { rv: '3', reason: 'pod changed' }, 'the first deadline is kept');
      assert.equal(hold.size(), 0);
    } finally {
      mock.timers.reset();
    }
  });

  test('deletions, pods with a readiness probe, insignificant events and hold 0 are not held', () => {
    const r = recorder();
    const hold = startHold(r.send, 1000);
    hold.pod('DELETED', pod('Running'), nudge('5'), 'pod deleted');
    hold.pod(
      'MODIFIED',
      pod('Running', { metadata: { uid: 'pod-uid', deletionTimestamp: 'x' } }),
      nudge('6'),
      'pod changed',
    );
    const probed = pod('Running', {
      spec: { containers: [{ name: 'main', readinessProbe: { tcpSocket: { port: 80 } } }] },
    });
    hold.pod('MODIFIED', probed, nudge('7'), 'pod changed');
    hold.pod('MODIFIED', pod('Running'), nudge('8'), undefined);
    startHold(r.send, 0).pod('MODIFIED', pod('Running'), nudge('9'), 'pod changed');
    assert.deepEqual(
      r.sent.map((s) => s.rv),
      ['5', '6', '7', '8', '9'],
    );
    assert.equal(hold.size(), 0);
  });

  test('flush sends what is held (watcher stop)', () => {
    const r = recorder();
    const hold = startHold(r.send, 60_000);
    hold.pod('MODIFIED', pod('Running'), nudge('3'), 'pod changed');
    assert.equal(r.sent.length, 0);
    hold.flush();
    assert.deepEqual(r.sent, [{ rv: '3', reason: 'pod changed' }]);
  });
});
