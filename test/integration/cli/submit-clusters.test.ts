/**
 * `argosy submit` against a running `argosy dev`: a literal clusterName the target has not configured is
 * refused with lint's words and the closest configured name (issue 13), before anything is created.
 * Its own file: the registry read makes it one of the slower submits, and flags-submit is near its budget.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, runCli, scratch, startDev, type DevStack } from './cli-helpers.ts';

const dir = scratch();
let dev: DevStack;
before(async () => (dev = await startDev(dir)));
after(async () => dev.stop());

describe('submit: an unconfigured clusterName', () => {
  test('a clusterName the stack has not configured exits 2 with the closest one (mian → main)', async () => {
    const f = writeFile(
      dir,
      'mian.yaml',
      'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { generateName: mian- }\nspec:\n  entrypoint: a\n' +
        '  templates:\n    - { name: a, clusterName: mian, container: { image: argoproj/argosay:v2 } }\n',
    );
    const r = await runCli(['submit', f], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^argosy: spec\.templates\[0\]\.clusterName: cluster "mian" is not configured \(configured: main\); did you mean main\?\n/,
    );
    assert.equal((await runCli(['list', '-o', 'name'], dir)).stdout.includes('mian-'), false, 'nothing was created');
  });
});
