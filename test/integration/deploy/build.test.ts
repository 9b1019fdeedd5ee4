// `npm run build` into a temporary directory: one ESM bundle per function, the watcher and the CLI,
// each importing only what its runtime provides (Node built-ins; plus AWS SDK v3 for Lambda, which
// nodejs22.x ships). A bare import of anything else would fail at cold start in Lambda, or in the
// watcher image, which has no node_modules.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { staleReason } from '../../../bin/start.js';

const exec = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
let out = '';
let report = '';

/**
 * Optional add-ons loaded inside try/catch, absent on purpose: the AWS SDK's CRT signer (SigV4a only,
 * which SQS and Secrets Manager do not use) and ws's native speed-ups.
 */
const OPTIONAL = new Set(['@aws-sdk/signature-v4-crt', 'bufferutil', 'utf-8-validate', 'fsevents']);

/** The imports esbuild left external in a bundle (from the metafile build.ts writes). */
async function externalImports(target: string): Promise<string[]> {
  const meta = JSON.parse(await readFile(join(out, 'meta', `${target}.json`), 'utf8')) as {
    outputs: Record<string, { entryPoint?: string; imports: { path: string; external?: boolean }[] }>;
  };
  const found = new Set<string>();
  for (const o of Object.values(meta.outputs)) {
    for (const i of o.imports) if (i.external) found.add(i.path);
  }
  return [...found].sort();
}

const isBuiltin = (s: string) => s.startsWith('node:') || builtinModules.includes(s);

interface Output {
  imports: { path: string; kind: string; external?: boolean }[];
  inputs: Record<string, unknown>;
}

/** The inputs a start of `argosy <command>` loads: the entry's static imports, then the command's module. */
async function loadedBy(command: string): Promise<string[]> {
  const { outputs } = JSON.parse(await readFile(join(out, 'meta', 'cli.json'), 'utf8')) as {
    outputs: Record<string, Output>;
  };
  const entry = Object.keys(outputs).find((k) => k.endsWith('cli/main.mjs'))!;
  // esbuild names the chunk a dynamic import loads after the module (`get-HASH.mjs`); shared code is in others.
  const chunk = outputs[entry]!.imports.find(
    (i) => i.kind === 'dynamic-import' && new RegExp(`/${command}-[A-Z0-9]+\\.mjs$`).test(i.path),
  );
  assert.ok(chunk, `a chunk for src/cli/commands/${command}.ts`);
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const i of outputs[path]!.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  visit(chunk.path);
  const inputs = [...seen].flatMap((o) => Object.keys(outputs[o]!.inputs));
  assert.ok(inputs.includes(`src/cli/commands/${command}.ts`), `${command}.ts is loaded`);
  return inputs;
}

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
    for (const name of ['function reconcile', 'function timer', 'function resync', 'function cron', 'watcher', 'cli']) {
      assert.match(report, new RegExp(`^${name}\\s+\\S+\\s+[\\d.]+ KiB \\(gzip`, 'm'), name);
    }
  });

  test('Lambda bundles import only Node built-ins and the runtime-provided AWS SDK v3', async () => {
    for (const fn of ['reconcile', 'timer', 'resync', 'cron']) {
      const file = join(out, 'functions', fn, 'handler.mjs');
      const others = (await externalImports(`function-${fn}`)).filter(
        (s) => !isBuiltin(s) && !s.startsWith('@aws-sdk/') && !OPTIONAL.has(s),
      );
      assert.deepEqual(others, [], `${fn} imports packages Lambda does not have`);
      assert.ok((await stat(`${file}.map`)).size > 0, `${fn} has a source map`);
      // Cold start grows with bundle size (anchors.md: ~1 s at 1.5 MB): keep each function under it.
      const size = (await stat(file)).size;
      const line = report.split('\n').find((l) => l.startsWith(`function ${fn} `)) ?? '';
      assert.ok(
        size < 1.5 * 1024 * 1024,
        `${fn} bundle is ${Math.round(size / 1024)} KiB; ${line.split('largest:')[1] ?? ''}`,
      );
    }
  });

  test('Lambda bundles load every external with require() and are ASCII-only (cold-start costs)', async () => {
    for (const fn of ['reconcile', 'timer', 'resync', 'cron']) {
      const meta = JSON.parse(await readFile(join(out, 'meta', `function-${fn}.json`), 'utf8')) as {
        outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
      };
      // An ESM import of node:http alone loads Node's bundled undici (scripts/esbuild-sdk-require.cjs).
      const imported = Object.values(meta.outputs)
        .flatMap((o) => o.imports)
        .filter((i) => i.external && i.kind !== 'require-call')
        .map((i) => `${i.kind} ${i.path}`);
      assert.deepEqual(imported, [], `${fn} imports externals with ESM import`);
      // One non-ASCII character makes Node decode and V8 scan the whole file as two-byte text.
      const code = await readFile(join(out, 'functions', fn, 'handler.mjs'));
      const at = code.findIndex((b) => b > 0x7f);
      assert.equal(
        at,
        -1,
        `${fn} bundle has a non-ASCII byte at ${at}: ${code.subarray(Math.max(0, at - 40), at + 10).toString()}`,
      );
    }
  });

  test('the watcher and CLI bundles are self-contained', async () => {
    for (const target of ['watcher', 'cli']) {
      const others = (await externalImports(target)).filter((s) => !isBuiltin(s) && !OPTIONAL.has(s));
      assert.deepEqual(others, [], `${target} needs node_modules`);
    }
  });

  test('the watcher image runs the bundle the build makes, as a non-root user', async () => {
    const dockerfile = await readFile(join(repoRoot, 'infra', 'watcher.Dockerfile'), 'utf8');
    assert.match(dockerfile, /^FROM gcr\.io\/distroless\/nodejs22-debian12:nonroot$/m);
    assert.match(dockerfile, /^USER 65532:65532$/m);
    assert.match(dockerfile, /dist\/watcher$/m, 'the build context is dist/watcher');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
    assert.ok(cmd, 'CMD in exec form');
    const entry = (JSON.parse(cmd[1]!) as string[]).find((a) => a.endsWith('.mjs'))!;
    assert.ok((await stat(join(out, 'watcher', entry.replace(/^\/app\//, '')))).size > 0, `${entry} is built`);
  });

  test("the CLI bundle's stamp lists its sources, data files and the installed packages, and is fresh", async () => {
    const stamp = join(out, 'cli', 'sources.json');
    const files = (JSON.parse(await readFile(stamp, 'utf8')) as { files: [string, number, number][] }).files.map(
      (f) => f[0],
    );
    for (const f of [
      'src/cli/main.ts',
      'src/cli/commands/logs.ts',
      'infra/crds',
      'node_modules/.package-lock.json',
      'scripts/build.ts',
    ])
      assert.ok(
        files.some((p) => p.startsWith(f)),
        `${f} in the stamp`,
      );
    assert.ok(!files.some((p) => p.includes('node_modules/') && !p.endsWith('.package-lock.json')), 'no package file');
    assert.equal(staleReason(repoRoot, stamp), undefined);
  });

  test('a start of version, list, get or logs loads neither the local stack, the UI server, the AWS SDK nor the kube client package', async () => {
    for (const command of ['version', 'list', 'get', 'logs']) {
      const heavy = (await loadedBy(command)).filter((p) =>
        /^src\/local\/|^ui\/server\/|node_modules\/(@aws-sdk|@smithy|fauxqs|fastify|@kubernetes\/client-node)\//.test(
          p,
        ),
      );
      assert.deepEqual(heavy, [], `argosy ${command}`);
    }
  });

  test('the CLI bundle runs', async () => {
    const r = await exec(process.execPath, [join(out, 'cli', 'main.mjs'), '--version'], { cwd: out, timeout: 30_000 });
    assert.match(r.stdout, /^\d+\.\d+\.\d+/);
  });

  test('the CLI bundle carries the built web UI, so a bundled `argosy ui` serves it', () => {
    assert.ok(existsSync(join(out, 'cli', 'assets', 'ui', 'index.html')), 'assets/ui/index.html beside the CLI bundle');
  });

  test('the CLI bundle runs the seed example on its own (CRDs and image scripts travel in assets/)', async () => {
    // Outside the repository (a temp dir): nothing may be found through the sources' paths.
    const r = await exec(
      process.execPath,
      [join(out, 'cli', 'main.mjs'), 'run', join(repoRoot, 'examples', 'multi-cluster.yaml'), '-o', 'json'],
      { cwd: out, timeout: 90_000, env: { ...process.env, ARGOSY_HOME: join(out, 'home') } },
    );
    const wf = JSON.parse(r.stdout) as { status: { phase: string; nodes: Record<string, { displayName?: string }> } };
    assert.equal(wf.status.phase, 'Succeeded');
    assert.ok(Object.values(wf.status.nodes).some((n) => n.displayName === 'other'));
  });
});
