// The reconcile loads the engine's YAML reader (the `yaml` parser) when a decide first meets a YAML
// document, not at cold start (src/engine/yaml-reader.ts). Nothing this file imports loads
// engine/yaml-go.ts, as in the reconcile Lambda's bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decide } from '../../../src/engine/decide.ts';
import { readGoYaml, yamlReaderInstalled } from '../../../src/engine/yaml-reader.ts';
import type { KubeClient, KubeRequest } from '../../../src/ports/kube.ts';
import { replaying, type Tape } from './tape.ts';
import { CONTROLLER, START } from './tapes/reconcile-workflow.ts';
import { reconcileOnTape } from './tapes/reconcile-run.ts';

const { tape } = (
  JSON.parse(readFileSync(join(import.meta.dirname, 'tapes/reconcile.json'), 'utf8')) as Record<'start', { tape: Tape }>
).start;

/** The recorded answers; a read may be asked again (the attempt starts over), a write only once. */
function rereading(cluster: string): KubeClient & { left(): number } {
  const first = replaying(tape, cluster);
  const again = replaying(tape, cluster);
  return {
    ...first,
    async request<T>(req: KubeRequest): Promise<T> {
      try {
        return await first.request<T>(req);
      } catch (e) {
        if (req.method !== 'GET') throw e;
        return again.request<T>(req);
      }
    },
  };
}

test('a decide meeting YAML before the reader is loaded: the reconcile loads it and reads and decides again', async () => {
  assert.equal(yamlReaderInstalled(), false, 'nothing imported engine/yaml-go.ts');
  const read: unknown[] = [];
  let calls = 0;
  // The engine reading a podSpecPatch, as build-pod does.
  const meetsYaml: typeof decide = (snapshot, now) => {
    calls++;
    read.push(readGoYaml('containers: [{name: main, resources: {limits: {memory: 1Gi}}}]\nhostNetwork: no'));
    return decide(snapshot, now);
  };
  const main = rereading('main');
  const other = rereading('other');
  const r = await reconcileOnTape({ main, other }, CONTROLLER, START, meetsYaml);
  assert.equal(yamlReaderInstalled(), true);
  assert.equal(calls, 2, 'the first decide threw before deciding; the second decided');
  // go-yaml's YAML 1.1: `no` is false.
  assert.deepEqual(read, [
    { containers: [{ name: 'main', resources: { limits: { memory: '1Gi' } } }], hostNetwork: false },
  ]);
  assert.deepEqual(
    { outcome: r.result.outcome, attempts: r.result.attempts, decisions: r.decisions.length },
    { outcome: 'reconciled', attempts: 1, decisions: 1 },
  );
  assert.equal(main.left() + other.left(), 0, 'every recorded write was made once');
});
