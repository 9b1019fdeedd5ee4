import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decide } from '../../../src/engine/index.ts';
import type { KubePod, ObservedPod } from '../../../src/engine/contract.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { outputsWrapper, wrapContainer, PodBuildError } from '../../../src/engine/pod/outputs-wrapper.ts';
import { parseArgosyDocument, splitOutputsLog } from '../../../src/engine/pod/assess-pod.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'argosy-outputs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function runWrapper(
  files: { name: string; path: string }[],
  argv: string[],
): { code: number; message: string; stderr: string } {
  const term = join(dir, `term-${Math.random()}`);
  const r = spawnSync('sh', ['-c', outputsWrapper('"$0" "$@"', files, term), ...argv], { encoding: 'utf8' });
  return { code: r.status ?? -1, message: readFileSync(term, 'utf8'), stderr: r.stderr };
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
  test('over the termination message limit: the document goes to the end of the log', () => {
    const big = join(dir, 'big.txt');
    writeFileSync(big, 'x'.repeat(5000));
    const r = runWrapper([{ name: 'b', path: big }], ['echo', 'out']);
    const doc = parseArgosyDocument(r.message);
    assert.ok(doc?.log !== undefined && doc.log > 5000);
    const fromLog = splitOutputsLog(`out\n${r.stderr}`);
    assert.equal(fromLog.text, 'out\n');
    assert.equal(fromLog.doc?.parameters.b, 'x'.repeat(5000));
  });
  test('over the log limit too: an error document', () => {
    const huge = join(dir, 'huge.txt');
    writeFileSync(huge, 'y'.repeat(210 * 1024));
    const doc = parseArgosyDocument(runWrapper([{ name: 'h', path: huge }], ['true']).message);
    assert.match(doc?.error ?? '', /over the 204800-byte limit/);
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

function finished(wf: Workflow, message: string, mainLog?: string): Workflow {
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
  const observed: ObservedPod = {
    cluster: 'main',
    namespace: 'argo',
    pod,
    ...(mainLog !== undefined ? { mainLog } : {}),
  };
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
  test('outputs in the log: parameters read from the marker line', () => {
    const log = 'hello\n\n__argosy_outputs__:{"argosy":{"parameters":{"p":"big"}}}\n';
    const done = finished(wf(''), '{"argosy":{"log":5000}}', log);
    assert.equal(done.status?.phase, 'Succeeded');
    assert.equal(done.status?.nodes?.wf?.outputs?.parameters?.[0]?.value, 'big');
  });
  test('outputs in the log but no log read: node Error', () => {
    const done = finished(wf(''), '{"argosy":{"log":5000}}');
    assert.equal(done.status?.phase, 'Error');
    assert.equal(done.status?.nodes?.wf?.message, 'output parameters could not be read from the log');
  });
  test('oversized outputs: node Error with the size message', () => {
    const done = finished(wf(''), '{"argosy":{"error":"output parameters take 5000 bytes, over the 4096-byte limit"}}');
    assert.equal(done.status?.phase, 'Error');
    assert.match(done.status?.nodes?.wf?.message ?? '', /5000 bytes/);
  });
});
