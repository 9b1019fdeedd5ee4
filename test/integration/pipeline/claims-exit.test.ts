// A volume claim shared by the steps and the exit handler (Argo's work-avoidance.yaml, issue 13): the
// step that made /work/markers had an input artifact at that path, and the input-artifacts mount over
// it hid the claim from the step's own command, so the next steps and the exit handler found no
// /work/markers on the claim. Like Argo, an input artifact inside a mounted volume now goes into the
// volume. Whole local stack: embedded API servers, process kubelet, fauxqs, watcher, real handlers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalStack, type LocalStack } from '../../../src/local/stack.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { isDone } from './helpers.ts';

const MOUNT = { volumeMounts: [{ name: 'work', mountPath: '/work' }] };
const check = (who: string) => ({
  image: 'busybox',
  command: ['sh', '-c', `test -e /work/markers/seed && test -e /work/markers/made && echo ${who} sees the markers`],
  ...MOUNT,
});

const workflow = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { generateName: 'claim-exit-' },
  spec: {
    entrypoint: 'main',
    onExit: 'save',
    volumeClaimTemplates: [
      {
        metadata: { name: 'work' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Mi' } } },
      },
    ],
    templates: [
      { name: 'main', steps: [[{ name: 'load', template: 'load' }], [{ name: 'use', template: 'use' }]] },
      {
        name: 'load',
        inputs: { artifacts: [{ name: 'markers', path: '/work/markers/seed', raw: { data: 'seeded' } }] },
        container: {
          image: 'busybox',
          command: ['sh', '-c', 'mkdir -p /work/markers && touch /work/markers/made'],
          ...MOUNT,
        },
      },
      { name: 'use', container: check('use') },
      { name: 'save', container: check('exit handler') },
    ],
  },
} as unknown as Workflow;

describe('a claim shared by the steps and the exit handler', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await startLocalStack({ runtime: 'process', resyncIntervalMs: 5000, visibilityTimeoutSeconds: 2 });
  });
  after(async () => {
    await stack?.stop();
  });

  test('an input artifact under the claim lands on it; the next step and the exit handler see what the step made', async () => {
    const created = await stack.submit(workflow, 'argo');
    const wf = await stack.waitFor('argo', created.metadata.name!, isDone, 90_000);
    const nodes = Object.values(wf.status?.nodes ?? {}).map((n) => [n.displayName, n.phase, n.message]);
    assert.equal(wf.status?.phase, 'Succeeded', JSON.stringify(nodes));
    const exit = Object.values(wf.status?.nodes ?? {}).find((n) => n.name.endsWith('.onExit'));
    assert.equal(exit?.phase, 'Succeeded', JSON.stringify(nodes));
  });
});
