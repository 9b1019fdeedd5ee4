// What the reconcile Lambda runs at cold start, read from esbuild's metafile of its entry built in
// memory with the Lambda settings: the `yaml` parser is reached only through dynamic imports (the
// runtime loads it when a decide first meets a YAML document, src/engine/yaml-reader.ts), so its
// module code does not run at INIT. Structural on purpose: timing lives in `npm run bench`
// (docs/performance.md, "bundles").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const lambdaPlugins = createRequire(import.meta.url)('../../../scripts/esbuild-sdk-require.cjs') as Plugin[];

async function metafileOf(entry: string): Promise<Metafile> {
  const r = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    outdir: 'out',
    platform: 'node',
    target: 'node22',
    format: 'esm',
    metafile: true,
    logLevel: 'silent',
    external: ['@aws-sdk/*', 'bufferutil', 'utf-8-validate', 'fsevents'],
    plugins: lambdaPlugins,
  });
  return r.metafile;
}

/** Every input reached from `entry` through static imports, with the importer it was first reached from. */
function staticallyReached(meta: Metafile, entry: string): Map<string, string | undefined> {
  const from = new Map<string, string | undefined>([[entry, undefined]]);
  const queue = [entry];
  for (let path = queue.shift(); path !== undefined; path = queue.shift())
    for (const i of meta.inputs[path]?.imports ?? [])
      if (!i.external && i.kind !== 'dynamic-import' && !from.has(i.path)) {
        from.set(i.path, path);
        queue.push(i.path);
      }
  return from;
}

function chain(from: Map<string, string | undefined>, path: string): string {
  const out = [path];
  for (let p = from.get(path); p !== undefined; p = from.get(p)) out.unshift(p);
  return out.join(' → ');
}

test('the reconcile handler reaches the yaml parser only through dynamic imports', async () => {
  const entry = 'functions/reconcile/handler.ts';
  const meta = await metafileOf(entry);
  const inputs = Object.keys(meta.inputs);
  // The check means something only while the bundle still carries the parser for later.
  assert.ok(
    inputs.some((p) => p.startsWith('node_modules/yaml/')),
    'yaml is in the bundle (dynamically imported)',
  );
  assert.ok(inputs.includes('src/engine/yaml-go.ts'));
  const from = staticallyReached(meta, entry);
  const yaml = [...from.keys()].filter((p) => p.startsWith('node_modules/yaml/') || p === 'src/engine/yaml-go.ts');
  assert.deepEqual(
    yaml.slice(0, 3).map((p) => chain(from, p)),
    [],
    'imported statically from the reconcile entry',
  );
  assert.ok(from.has('src/engine/yaml-reader.ts'), 'the engine reads YAML through the reader port');
});
