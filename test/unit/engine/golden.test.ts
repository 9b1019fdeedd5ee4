/**
 * Golden decisions: test/golden/<case>/input.yaml (workflow, observed pods, now, controller) →
 * expected.yaml (the Decision). Run with UPDATE_GOLDEN=1 to regenerate on purpose, then review the diff.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { decide } from '../../../src/engine/index.ts';
import type { ControllerSettings, ObservedPod, Snapshot } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';

const ROOT = 'test/golden';

interface GoldenInput {
  now: string;
  controller?: ControllerSettings;
  /** `cluster/namespace` places the placement check refuses. */
  deniedPlaces?: string[];
  workflow: Workflow;
  pods?: ObservedPod[];
}

function snapshotOf(input: GoldenInput): Snapshot {
  const snapshot: Snapshot = {
    workflow: input.workflow,
    pods: input.pods ?? [],
    controller: input.controller ?? { clusterName: 'main' },
  };
  const denied = input.deniedPlaces;
  if (denied)
    snapshot.checkPlacement = (t) =>
      denied.includes(`${t.cluster}/${t.namespace}`)
        ? `cluster-namespace "${t.cluster}.${t.namespace}" not configured`
        : undefined;
  return snapshot;
}

const cases = readdirSync(ROOT)
  .filter((d) => existsSync(join(ROOT, d, 'input.yaml')))
  .sort();

describe('golden decisions', () => {
  test('there are golden cases', () => assert.ok(cases.length >= 8, `only ${cases.length} cases`));
  for (const name of cases) {
    test(name, () => {
      const input = parse(readFileSync(join(ROOT, name, 'input.yaml'), 'utf8')) as GoldenInput;
      const decision = decide(snapshotOf(input), new Date(input.now));
      const actual = stringify(decision, { lineWidth: 0 });
      const file = join(ROOT, name, 'expected.yaml');
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, actual);
      assert.deepEqual(parse(actual), parse(readFileSync(file, 'utf8')));
    });
  }
});
