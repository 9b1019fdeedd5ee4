/**
 * Argo's node IDs are the workflow name and a 32-bit FNV-1a hash of the node name (names.ts nodeId),
 * so two names can share an ID: about 1 % of 10,000-item fan-outs have such a pair. Argo then takes
 * the second node for the first (GetNodeByName looks nodes up by ID) and that item never runs on its
 * own, silently. Argosy keeps the IDs and that behaviour (status and pod names stay Argo's), and says
 * so: a Warning event names both nodes, once.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { drive } from './drive.ts';
import { wfFromYaml } from './fixtures.ts';
import { nodeId } from '../../../src/engine/names.ts';
import type { EmitEventAction } from '../../../src/engine/contract.ts';

// Found by search: these two item node names hash alike in a workflow named `collide`.
const A = 'collide.fan(0:zfhm0wlr)';
const B = 'collide.fan(1:vzcgn1o3)';

const wf = wfFromYaml(
  `
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: fan, template: work, withItems: [zfhm0wlr, vzcgn1o3, other]}
  - name: work
    container: {image: busybox, command: [echo, "{{item}}"]}
`,
  'collide',
);

describe('node ID collisions', () => {
  test('the two names share an ID (the premise)', () => {
    assert.equal(nodeId('collide', A), nodeId('collide', B));
  });

  test("Argo's outcome: one node for both items; a Warning event names both, once", () => {
    const { workflow, decisions } = drive(wf);
    assert.equal(workflow.status?.phase, 'Succeeded');
    const items = Object.values(workflow.status?.nodes ?? {}).filter((n) => n.type === 'Pod');
    assert.deepEqual(items.map((n) => n.name).sort(), [A, 'collide.fan(2:other)']);
    const warnings = decisions
      .flatMap((d) => d.actions)
      .filter((a): a is EmitEventAction => a.kind === 'EmitEvent' && a.reason === 'NodeIDCollision');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.type, 'Warning');
    assert.match(warnings[0]!.message, new RegExp(`${B.replace(/[().]/g, '\\$&')} .* ${A.replace(/[().]/g, '\\$&')}`));
  });
});
