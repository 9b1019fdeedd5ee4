/**
 * Argo's own examples (argo-checks.ts) through `argosy run <file> -o json --runtime process`, as a
 * subprocess, the way a user runs them: each starts its own ephemeral stack.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Workflow } from '../../src/engine/types.ts';
import { runCli, scratch } from '../integration/cli/cli-helpers.ts';
import { CHECKS, DIR, manifest, type Case } from './argo-checks.ts';

const VIA_CLI = ['hello-world.yaml', 'coinflip.yaml', 'output-parameter.yaml'];

describe('Argo conformance through `argosy run` (subprocess)', () => {
  const home = scratch();
  after(() => rmSync(home, { recursive: true, force: true }));
  for (const file of VIA_CLI) {
    const c = manifest.cases.find((x) => x.file === file) as Case;
    test(`argosy run ${file} -o json → ${c.phase}`, async () => {
      const r = await runCli(['run', join(DIR, file), '-o', 'json', '--runtime', 'process'], home);
      const wf = JSON.parse(r.stdout) as Workflow;
      assert.equal(wf.status?.phase, c.phase, r.stderr);
      CHECKS[file]?.(wf);
    });
  }
});
