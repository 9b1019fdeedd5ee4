// The layer rules in .dependency-cruiser.cjs are checked by `npm run check`. These tests prove the
// rules bite: a scratch tree with one forbidden import per rule fails the same command, an allowed
// import passes, and the real source tree passes.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../../..');
const depcruise = join(repo, 'node_modules/.bin/depcruise');

function cruise(cwd: string, paths: string[]) {
  const r = spawnSync(depcruise, [...paths, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], {
    cwd,
    encoding: 'utf8',
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A scratch project with the repo's rules and the given files. */
function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'argosy-layers-'));
  copyFileSync(join(repo, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('layer rules (.dependency-cruiser.cjs)', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  const forbidden: Array<[rule: string, from: string, to: string]> = [
    ['layer-engine', 'src/engine/decide.ts', 'src/runtime/apply.ts'],
    ['layer-engine', 'src/engine/decide.ts', 'src/config.ts'],
    ['layer-ports', 'src/ports/kube.ts', 'src/adapters/kube/http-client.ts'],
    ['layer-adapters', 'src/adapters/aws/signed-json.ts', 'src/clusters/eks-token.ts'],
    ['layer-clusters', 'src/clusters/build.ts', 'src/runtime/deps.ts'],
    ['layer-runtime', 'src/runtime/reconcile.ts', 'src/watcher/filter.ts'],
    ['layer-watcher', 'src/watcher/main.ts', 'src/cli/program.ts'],
    ['layer-functions', 'functions/reconcile/handler.ts', 'src/cli/program.ts'],
    ['local-only-from-cli-local-mode', 'src/cli/commands/get.ts', 'src/local/stack.ts'],
    ['local-only-from-cli-local-mode', 'functions/reconcile/handler.ts', 'src/local/stack.ts'],
  ];
  test('each forbidden import fails the check, naming its rule', () => {
    const files: Record<string, string> = {
      'src/engine/clock.ts': "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n",
    };
    for (const [, from, to] of forbidden) {
      files[to] ??= 'export const x = 1;\n';
      files[from] =
        `${files[from] ?? ''}export * as m${Object.keys(files).length} from '${relativeImport(from, to)}';\n`;
    }
    const dir = scratch(files);
    dirs.push(dir);
    const r = cruise(dir, ['src', 'functions']);
    assert.notEqual(r.status, 0, r.out);
    for (const [rule, from, to] of forbidden) assert.match(r.out, new RegExp(`error ${rule}: ${from} → ${to}\n`));
    // node:fs is reported under its bare name
    assert.match(r.out, /error engine-no-io: src\/engine\/clock\.ts → fs\n/);
  });

  test('an import cycle fails the check, type-only imports included', () => {
    const dir = scratch({
      'src/engine/a.ts': "import type { B } from './b.ts';\nexport interface A { b?: B }\n",
      'src/engine/b.ts': "import type { A } from './a.ts';\nexport interface B { a?: A }\n",
    });
    dirs.push(dir);
    const r = cruise(dir, ['src']);
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /error no-circular: src\/engine\/(a|b)\.ts → /);
  });

  test('imports down the layers pass', () => {
    const dir = scratch({
      'src/engine/names.ts': 'export const x = 1;\n',
      'src/runtime/apply.ts': "import { x } from '../engine/names.ts';\nexport const y = x;\n",
      'src/cli/lib/local-stack.ts': "import { z } from '../../local/stack.ts';\nexport const w = z;\n",
      'src/local/stack.ts': "import { y } from '../runtime/apply.ts';\nexport const z = y;\n",
    });
    dirs.push(dir);
    const r = cruise(dir, ['src']);
    assert.equal(r.status, 0, r.out);
  });

  test('the source tree follows the rules', () => {
    const r = cruise(repo, ['src', 'functions']);
    assert.equal(r.status, 0, r.out);
  });
});

function relativeImport(from: string, to: string): string {
  const up = from.split('/').length - 1;
  return `${'../'.repeat(up)}${to}`;
}
