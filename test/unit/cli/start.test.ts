// bin/argosy.js runs the CLI bundle only while every file it was built from is unchanged (bin/start.js):
// the tests run bin/argosy.js on the tree they test, so a bundle older than an edit must never run.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCacheDir, STAMP, staleReason, writeStamp } from '../../../bin/start.js';

let root = '';
const file = (rel: string) => join(root, rel);

function write(rel: string, text: string): string {
  mkdirSync(join(file(rel), '..'), { recursive: true });
  writeFileSync(file(rel), text);
  return file(rel);
}

/** A built tree: two sources, a data file and the bundle, stamped as scripts/build.ts stamps them. */
function build(): string[] {
  const files = [
    write('src/cli/main.ts', 'export const a = 1;\n'),
    write('src/cli/commands/logs.ts', 'export const b = 2;\n'),
    write('infra/crds/workflow.yaml', 'kind: CustomResourceDefinition\n'),
    write('dist/cli/main.mjs', 'export {};\n'),
  ];
  writeStamp(root, file(STAMP), files);
  return files;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'argosy-start-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the CLI bundle is used only when it matches the sources', () => {
  test('a fresh build is used', () => {
    build();
    assert.equal(staleReason(root), undefined);
  });

  test('no stamp (never built, or a build that stopped half-way): the sources', () => {
    write('dist/cli/main.mjs', 'export {};\n');
    assert.match(staleReason(root) ?? '', /no bundle stamp/);
  });

  test('a source edited after the build, even to the same size: the sources', () => {
    build();
    const later = new Date(statSync(file('src/cli/commands/logs.ts')).mtimeMs + 1500);
    writeFileSync(file('src/cli/commands/logs.ts'), 'export const b = 3;\n');
    utimesSync(file('src/cli/commands/logs.ts'), later, later);
    assert.equal(staleReason(root), 'src/cli/commands/logs.ts changed since the build');
  });

  test('a source whose size changed but whose mtime was put back: the sources', () => {
    build();
    const { mtime } = statSync(file('src/cli/main.ts'));
    writeFileSync(file('src/cli/main.ts'), 'export const a = 10;\n');
    utimesSync(file('src/cli/main.ts'), mtime, mtime);
    assert.equal(staleReason(root), 'src/cli/main.ts changed since the build');
  });

  test('a data file copied beside the bundle that changed, or a deleted source: the sources', () => {
    build();
    const later = new Date(Date.now() + 5000);
    utimesSync(file('infra/crds/workflow.yaml'), later, later);
    assert.equal(staleReason(root), 'infra/crds/workflow.yaml changed since the build');
    build();
    rmSync(file('src/cli/main.ts'));
    assert.equal(staleReason(root), 'src/cli/main.ts is gone since the build');
  });

  test('an empty or unreadable stamp: the sources', () => {
    build();
    writeFileSync(file(STAMP), '{"files":[]}');
    assert.match(staleReason(root) ?? '', /lists no files/);
    writeFileSync(file(STAMP), '{not json');
    assert.match(staleReason(root) ?? '', /no bundle stamp/);
  });
});

describe('the compile cache directory', () => {
  test("the repository's node_modules/.cache, else the user's cache directory, never /tmp", () => {
    assert.equal(compileCacheDir(root, { XDG_CACHE_HOME: '/home/u/.cache' }), '/home/u/.cache/argosy/compile-cache');
    mkdirSync(file('node_modules'));
    assert.equal(compileCacheDir(root, {}), file('node_modules/.cache/argosy-cli'));
  });
});
