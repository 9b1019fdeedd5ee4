// `npm run build`: one minified ESM bundle (with source map) per Lambda function, the watcher and the
// CLI, into dist/. Lambda bundles leave the AWS SDK v3 out because the nodejs22.x runtime ships it
// (smaller zip, faster cold start); the watcher image and the CLI carry everything they import.
// serverless.yml's serverless-esbuild settings mirror the Lambda options here.
// The CLI is split at its dynamic imports (each command, the local stack, the AWS SDK clients), so a
// start loads only what the command needs; beside it goes the stamp bin/argosy.js checks before using
// it (bin/start.js). `--only cli` builds just the CLI (what `npm ci` runs, through `prepare`).
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { createRequire } from 'node:module';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { BUNDLED_ASSETS } from '../src/local/assets.ts';
import { writeStamp } from '../bin/start.js';
import { splitPackages } from './esbuild-split-packages.ts';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
/** `--outdir DIR` (tests build elsewhere); default dist/. */
const outdirFlag = process.argv.indexOf('--outdir');
const dist =
  outdirFlag > 0 && process.argv[outdirFlag + 1] ? resolve(process.argv[outdirFlag + 1]!) : join(root, 'dist');
/** `--only cli`: that target alone, leaving the rest of dist/ as it is. */
const onlyFlag = process.argv.indexOf('--only');
const only = onlyFlag > 0 ? process.argv[onlyFlag + 1] : undefined;

interface Target {
  name: string;
  entry: string;
  outfile: string;
  /** Packages left out of the bundle. */
  external: string[];
  /** Copies local mode's data files (CRDs, image scripts) beside the bundle. */
  assets?: boolean;
  plugins?: Plugin[];
  /** Split at dynamic imports into chunks beside `outfile`, and write the stamp (the CLI). */
  split?: boolean;
}

/** Lambda bundles load the runtime's AWS SDK with require() (why: the file; serverless.yml uses it too). */
const lambdaPlugins = createRequire(import.meta.url)('./esbuild-sdk-require.cjs') as Plugin[];

/** Optional native add-ons some dependencies probe for with require() inside try/catch. */
const optionalNatives = ['bufferutil', 'utf-8-validate', 'fsevents'];

function targets(): Target[] {
  const fnDir = join(root, 'functions');
  const fns = existsSync(fnDir) ? readdirSync(fnDir).filter((name) => existsSync(join(fnDir, name, 'handler.ts'))) : [];
  return [
    ...fns.map((name) => ({
      name: `function ${name}`,
      entry: join(fnDir, name, 'handler.ts'),
      outfile: join(dist, 'functions', name, 'handler.mjs'),
      external: ['@aws-sdk/*', ...optionalNatives],
      plugins: lambdaPlugins,
    })),
    {
      name: 'watcher',
      entry: join(root, 'src/watcher/main.ts'),
      outfile: join(dist, 'watcher/main.mjs'),
      external: optionalNatives,
    },
    {
      name: 'cli',
      entry: join(root, 'src/cli/main.ts'),
      outfile: join(dist, 'cli/main.mjs'),
      external: optionalNatives,
      assets: true,
      split: true,
      plugins: [splitPackages(root)],
    },
  ];
}

const common: BuildOptions = {
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  // file:line in stack traces is what the maps are for; shipping the sources would triple them.
  sourcesContent: false,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
  // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __argosyCreateRequire } from 'node:module'; const require = __argosyCreateRequire(import.meta.url);",
  },
};

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The largest packages in a bundle (over all its chunks), to see what to trim. */
function topInputs(meta: Metafile, n = 3): string {
  const byPkg = new Map<string, number>();
  for (const out of Object.values(meta.outputs))
    for (const [path, { bytesInOutput }] of Object.entries(out.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = m?.[1] ?? '(argosy)';
      byPkg.set(key, (byPkg.get(key) ?? 0) + bytesInOutput);
    }
  return [...byPkg.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${kib(v)}`)
    .join(', ');
}

/** Every file under `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/**
 * What the CLI bundle was built from, for its stamp: the repository's sources esbuild read (paths in
 * the metafile are relative to the working directory), the data files copied beside it, the
 * installed packages' lock (`npm ci`/`npm i` rewrite it), the build scripts, and the bundle's entry file.
 */
function stampedFiles(meta: Metafile, entry: string): string[] {
  const sources = Object.keys(meta.inputs)
    .filter((p) => !p.includes('node_modules/') && !p.includes(':'))
    .map((p) => resolve(p));
  const assets = Object.keys(BUNDLED_ASSETS).flatMap((from) => filesUnder(join(root, from)));
  // How it was built counts too: the installed packages (esbuild included) and this script.
  const lock = [join(root, 'node_modules', '.package-lock.json'), join(root, 'package.json')];
  const build = [fileURLToPath(import.meta.url), join(root, 'scripts', 'esbuild-split-packages.ts')];
  return [...sources, ...assets, ...lock, ...build, entry].filter((f) => existsSync(f));
}

/** Builds one target; returns its size line. */
async function buildTarget(t: Target): Promise<string> {
  const outdir = dirname(t.outfile);
  const result = await build({
    ...common,
    entryPoints: [t.entry],
    ...(t.split
      ? {
          outdir,
          splitting: true,
          entryNames: 'main',
          chunkNames: '[name]-[hash]',
          outExtension: { '.js': '.mjs' },
        }
      : { outfile: t.outfile }),
    external: t.external,
    plugins: t.plugins ?? [],
  });
  const meta = result.metafile!;
  if (t.assets)
    for (const [from, to] of Object.entries(BUNDLED_ASSETS))
      cpSync(join(root, from), join(outdir, 'assets', to), { recursive: true });
  // What each bundle leaves to its runtime (external imports), for review and for the build test.
  mkdirSync(join(dist, 'meta'), { recursive: true });
  writeFileSync(join(dist, 'meta', `${t.name.replace(/\s+/g, '-')}.json`), JSON.stringify(meta));
  if (t.split) writeStamp(root, join(outdir, 'sources.json'), stampedFiles(meta, t.outfile));
  const code = Object.keys(meta.outputs)
    .filter((p) => p.endsWith('.mjs'))
    .map((p) => readFileSync(p));
  const bytes = code.reduce((sum, c) => sum + c.length, 0);
  const gzip = code.reduce((sum, c) => sum + gzipSync(c).length, 0);
  const chunks = code.length > 1 ? ` in ${code.length} files` : '';
  return (
    `${t.name.padEnd(20)} ${relative(root, t.outfile).padEnd(36)} ${kib(bytes).padStart(11)}` +
    ` (gzip ${kib(gzip)})${chunks}  largest: ${topInputs(meta)}`
  );
}

async function main(): Promise<void> {
  const all = targets().filter((t) => !only || t.name === only);
  if (all.length === 0) {
    console.error(`build: no target named ${only}`);
    process.exit(1);
  }
  const missing = all.filter((t) => !existsSync(t.entry)).map((t) => relative(root, t.entry));
  if (missing.length) {
    console.error(`build: missing entry points: ${missing.join(', ')}`);
    process.exit(1);
  }
  if (only) for (const t of all) rmSync(dirname(t.outfile), { recursive: true, force: true });
  else rmSync(dist, { recursive: true, force: true });
  const rows: string[] = [];
  for (const t of all) rows.push(await buildTarget(t));
  console.log(rows.join('\n'));
}

await main();
