import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decide } from '../../../src/engine/index.ts';
import type { KubePod, ObservedPod } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { outputsWrapper, wrapContainer, PodBuildError } from '../../../src/engine/pod/outputs-wrapper.ts';
import { parseArgosyDocument } from '../../../src/engine/pod/assess-pod.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'argosy-outputs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function runWrapper(files: { name: string; path: string }[], argv: string[]): { code: number; message: string } {
  const term = join(dir, `term-${Math.random()}`);
  let code = 0;
  try {
    execFileSync('sh', ['-c', outputsWrapper('"$0" "$@"', files, term), ...argv], { stdio: 'ignore' });
  } catch (e) {
    code = (e as { status: number }).status;
  }
  return { code, message: readFileSync(term, 'utf8') };
}

describe('outputs wrapper (sh)', () => {
  test('escapes file contents as JSON, trims one newline, reports missing files, keeps the exit code', () => {
    const a = join(dir, 'a.txt');
    writeFileSync(a, 'say "hi"\\ \there\r\nline2\n\n');
    const r = runWrapper(
      [
        { name: 'a', path: a },
        { name: 'gone', path: join(dir, 'nope') },
      ],
      ['sh', '-c', 'exit 3'],
    );
    assert.equal(r.code, 3);
    const doc = parseArgosyDocument(r.message);
    assert.deepEqual(doc, { parameters: { a: 'say "hi"\\ \there\r\nline2\n' }, missing: ['gone'] });
  });
  test('over the termination message limit: an error document instead of truncated values', () => {
    const big = join(dir, 'big.txt');
    writeFileSync(big, 'x'.repeat(5000));
    const doc = parseArgosyDocument(runWrapper([{ name: 'b', path: big }], ['true']).message);
    assert.match(doc?.error ?? '', /over the 4096-byte limit of a termination message/);
  });
});

describe('wrapping the main container', () => {
  const files = [{ name: 'p', path: '/tmp/p' }];
  test('explicit command: sh -c <wrapper> <command...>, args unchanged', () => {
    const c = wrapContainer({ name: 'main', image: 'x', command: ['echo'], args: ['hi'] }, files);
    assert.equal(c.command?.[0], 'sh');
    assert.deepEqual(c.command?.slice(3), ['echo']);
    assert.deepEqual(c.args, ['hi']);
  });
  test('known entrypoints and base images without one', () => {
    assert.deepEqual(
      wrapContainer({ name: 'main', image: 'argoproj/argosay:v2', args: ['echo'] }, files).command?.slice(3),
      ['/argosay'],
    );
    const alpine = wrapContainer({ name: 'main', image: 'alpine:3.7', args: ['sh', '-c', 'echo'] }, files);
    assert.deepEqual(alpine.command?.slice(3), ['sh', '-c', 'echo']);
    assert.equal(alpine.args, undefined);
  });
  test('unknown image without command: Argo emissary message', () => {
    assert.throws(() => wrapContainer({ name: 'main', image: 'corp/tool:1' }, files), PodBuildError);
    const wf = wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: corp/tool:1}
    outputs: {parameters: [{name: p, valueFrom: {path: /tmp/p}}]}
`);
    const d = decide({ workflow: wf, pods: [], controller: { clusterName: 'main' } }, NOW);
    assert.equal(d.status.phase, 'Error');
    assert.match(d.status.message ?? '', /failed to look-up entrypoint\/cmd for image "corp\/tool:1"/);
  });
});

function finished(wf: Workflow, message: string): Workflow {
  const d1 = decide({ workflow: wf, pods: [], controller: { clusterName: 'main' } }, NOW);
  const create = d1.actions.find((a) => a.kind === 'CreatePod');
  assert.ok(create?.kind === 'CreatePod');
  const pod: KubePod = {
    ...create.pod,
    status: {
      phase: 'Succeeded',
      containerStatuses: [
        { name: 'main', state: { terminated: { exitCode: 0, message, finishedAt: NOW.toISOString() } } },
      ],
    },
  };
  const observed: ObservedPod = { cluster: 'main', namespace: 'argo', pod };
  const wf2 = { ...wf, status: d1.status };
  return {
    ...wf2,
    status: decide({ workflow: wf2, pods: [observed], controller: { clusterName: 'main' } }, NOW).status,
  };
}

describe('assessing the outputs document', () => {
  const wf = (def: string) =>
    wfFromYaml(`
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: alpine, command: [sh, -c, 'true']}
    outputs: {parameters: [{name: p, valueFrom: {path: /tmp/p${def}}}]}
`);
  test('missing file without default: node Error, Argo-style message', () => {
    const done = finished(wf(''), '{"argosy":{"parameters":{},"missing":["p"]}}');
    assert.equal(done.status?.phase, 'Error');
    assert.equal(done.status?.nodes?.wf?.message, 'open /tmp/p: no such file or directory');
  });
  test('missing file with default: the default', () => {
    const done = finished(wf(', default: dflt'), '{"argosy":{"parameters":{},"missing":["p"]}}');
    assert.equal(done.status?.phase, 'Succeeded');
    assert.equal(done.status?.nodes?.wf?.outputs?.parameters?.[0]?.value, 'dflt');
  });
  test('oversized outputs: node Error with the size message', () => {
    const done = finished(wf(''), '{"argosy":{"error":"output parameters take 5000 bytes, over the 4096-byte limit"}}');
    assert.equal(done.status?.phase, 'Error');
    assert.match(done.status?.nodes?.wf?.message ?? '', /5000 bytes/);
  });
});
