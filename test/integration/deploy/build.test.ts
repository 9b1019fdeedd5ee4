// `npm run build` into a temporary directory: one ESM bundle per function, the watcher and the CLI,
// each importing only what its runtime provides (Node built-ins; plus AWS SDK v3 for Lambda, which
// nodejs22.x ships). A bare import of anything else would fail at cold start in Lambda, or in the
// watcher image, which has no node_modules.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
let out = '';
let report = '';

/** A bare specifier (`pkg`, `pkg/sub`, `@scope/pkg`, `node:x`); minified code also has `from"` in strings. */
const MODULE_NAME = /^(node:)?(@[a-z0-9][-a-z0-9._~]*\/)?[a-z0-9][-a-z0-9._~]*(\/[-a-z0-9._~]+)*$/;
/**
 * Optional add-ons loaded inside try/catch, absent on purpose: the AWS SDK's CRT signer (SigV4a only,
 * which SQS and Secrets Manager do not use).
 */
const OPTIONAL = new Set(['@aws-sdk/signature-v4-crt']);

/** Bare module specifiers a bundle imports or requires (static and dynamic), minus relative ones. */
async function bareImports(file: string): Promise<string[]> {
  const code = await readFile(file, 'utf8');
  const found = new Set<string>();
  for (const re of [
    /\bfrom\s*"([^"]+)"/g,
    /\bimport\s*\(\s*"([^"]+)"\s*\)/g,
    /\bimport\s*"([^"]+)"/g,
    /\brequire\(\s*"([^"]+)"\s*\)/g,
  ]) {
    for (const m of code.matchAll(re)) if (MODULE_NAME.test(m[1]!)) found.add(m[1]!);
  }
  return [...found].sort();
}

const isBuiltin = (s: string) => s.startsWith('node:') || builtinModules.includes(s);

before(async () => {
  out = await mkdtemp(join(tmpdir(), 'argosy-build-'));
  const r = await exec(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--outdir', out], {
    cwd: repoRoot,
    timeout: 120_000,
  });
  report = r.stdout;
});

after(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('npm run build', () => {
  test('prints a size line per bundle', () => {
    for (const name of ['function reconcile', 'function timer', 'function resync', 'watcher', 'cli']) {
      assert.match(report, new RegExp(`^${name}\\s+\\S+\\s+[\\d.]+ KiB \\(gzip`, 'm'), name);
    }
  });

  test('Lambda bundles import only Node built-ins and the runtime-provided AWS SDK v3', async () => {
    for (const fn of ['reconcile', 'timer', 'resync']) {
      const file = join(out, 'functions', fn, 'handler.mjs');
      const others = (await bareImports(file)).filter((s) => !isBuiltin(s) && !s.startsWith('@aws-sdk/'));
      assert.deepEqual(others, [], `${fn} imports packages Lambda does not have`);
      assert.ok((await stat(`${file}.map`)).size > 0, `${fn} has a source map`);
      // Cold start grows with bundle size (anchors.md): keep each function under 1.5 MB.
      assert.ok((await stat(file)).size < 1.5 * 1024 * 1024, `${fn} bundle is small`);
    }
  });

  test('the watcher and CLI bundles are self-contained', async () => {
    for (const file of [join(out, 'watcher', 'main.mjs'), join(out, 'cli', 'main.mjs')]) {
      const others = (await bareImports(file)).filter((s) => !isBuiltin(s) && !OPTIONAL.has(s));
      assert.deepEqual(others, [], `${file} needs node_modules`);
    }
  });

  test('the CLI bundle runs', async () => {
    const r = await exec(process.execPath, [join(out, 'cli', 'main.mjs'), '--version'], { cwd: out, timeout: 30_000 });
    assert.match(r.stdout, /^\d+\.\d+\.\d+/);
  });
});
