// `npm run build`: one minified ESM bundle (with source map) per Lambda function, the watcher and the
// CLI, into dist/. Lambda bundles leave the AWS SDK v3 out because the nodejs22.x runtime ships it
// (smaller zip, faster cold start); the watcher image and the CLI carry everything they import.
// serverless.yml's serverless-esbuild settings mirror the Lambda options here.
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { createRequire } from 'node:module';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { BUNDLED_ASSETS } from '../src/local/assets.ts';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
/** `--outdir DIR` (tests build elsewhere); default dist/. */
const outdirFlag = process.argv.indexOf('--outdir');
const dist =
  outdirFlag > 0 && process.argv[outdirFlag + 1] ? resolve(process.argv[outdirFlag + 1]!) : join(root, 'dist');

interface Target {
  name: string;
  entry: string;
  outfile: string;
  /** Packages left out of the bundle. */
  external: string[];
  /** Copies local mode's data files (CRDs, image scripts) beside the bundle. */
  assets?: boolean;
  plugins?: Plugin[];
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

/** The largest packages in a bundle, to see what to trim. */
function topInputs(meta: Metafile, outfile: string, n = 3): string {
  const out = meta.outputs[relative(process.cwd(), outfile)] ?? Object.values(meta.outputs).find((o) => o.entryPoint);
  if (!out) return '';
  const byPkg = new Map<string, number>();
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

async function main(): Promise<void> {
  const all = targets();
  const missing = all.filter((t) => !existsSync(t.entry)).map((t) => relative(root, t.entry));
  if (missing.length) {
    console.error(`build: missing entry points: ${missing.join(', ')}`);
    process.exit(1);
  }
  rmSync(dist, { recursive: true, force: true });
  const rows: string[] = [];
  for (const t of all) {
    const result = await build({
      ...common,
      entryPoints: [t.entry],
      outfile: t.outfile,
      external: t.external,
      plugins: t.plugins ?? [],
    });
    const code = readFileSync(t.outfile);
    if (t.assets)
      for (const [from, to] of Object.entries(BUNDLED_ASSETS))
        cpSync(join(root, from), join(dirname(t.outfile), 'assets', to), { recursive: true });
    // What each bundle leaves to its runtime (external imports), for review and for the build test.
    mkdirSync(join(dist, 'meta'), { recursive: true });
    writeFileSync(join(dist, 'meta', `${t.name.replace(/\s+/g, '-')}.json`), JSON.stringify(result.metafile));
    rows.push(
      `${t.name.padEnd(20)} ${relative(root, t.outfile).padEnd(36)} ${kib(code.length).padStart(11)}` +
        ` (gzip ${kib(gzipSync(code).length)})  largest: ${topInputs(result.metafile!, t.outfile)}`,
    );
  }
  console.log(rows.join('\n'));
}

await main();
