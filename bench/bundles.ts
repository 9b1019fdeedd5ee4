/**
 * Bundles (bench 7): builds the Lambda and watcher bundles with scripts/build.ts (into a scratch
 * directory under node_modules/.cache, so module resolution of the externals — the AWS SDK that Lambda's
 * runtime ships — still finds the repository's node_modules, and dist/ is left alone), reports each
 * bundle's size (raw and gzip), the packages that dominate it (esbuild metafile), and the time to
 * import it in a fresh Node process (median of 10): a cold-start proxy. Target: reconcile ≤ 1 MB,
 * import ≤ 60 ms.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { summarize, type Summary } from './baseline.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = join(root, 'node_modules', '.bin', 'node');

export interface BundleFigures {
  name: string;
  path: string;
  bytes: number;
  gzipBytes: number;
  /** Largest inputs by package (bytes in the output). */
  largest: { pkg: string; bytes: number }[];
  importMs: Summary;
  /** The same with the bundle's external packages (AWS SDK v3, from Lambda's runtime) loaded first. */
  importOwnMs: Summary;
  externals: string[];
}

/** Package → bytes in one output of an esbuild metafile, largest first. */
export function bytesByPackage(meta: {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>;
}): { pkg: string; bytes: number }[] {
  const out = Object.values(meta.outputs).find((o) => o.entryPoint);
  const byPkg = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(out?.inputs ?? {})) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const key = m?.[1] ?? '(argosy)';
    byPkg.set(key, (byPkg.get(key) ?? 0) + bytesInOutput);
  }
  return [...byPkg.entries()].sort((a, b) => b[1] - a[1]).map(([pkg, bytes]) => ({ pkg, bytes }));
}

/** Bare package imports an output leaves external (node: built-ins excluded). */
function externalPackages(meta: {
  outputs: Record<string, { entryPoint?: string; imports?: { path: string; external?: boolean }[] }>;
}): string[] {
  const out = Object.values(meta.outputs).find((o) => o.entryPoint);
  const names = (out?.imports ?? []).filter(
    (i) => i.external && !i.path.startsWith('node:') && /^[@a-z]/.test(i.path) && i.path.includes('/'),
  );
  return [...new Set(names.map((i) => i.path))];
}

/** Environment the handlers' configuration needs at import time (values never used). */
const ENV = {
  ARGOSY_CLUSTER_NAME: 'main',
  ARGOSY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/argosy-work.fifo',
  ARGOSY_TIMER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/argosy-timer',
  ARGOSY_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/argosy-work-dlq.fifo',
  ARGOSY_SECRET_STORE: 'aws-secretsmanager',
  ARGOSY_SECRET_NAME: 'rest-config',
  AWS_REGION: 'us-east-1',
  // Fake static credentials and an unroutable endpoint: module init may start a secret prefetch, which
  // must neither search for real credentials nor reach AWS. The process exits right after the import.
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
};

/**
 * Milliseconds to `import()` a module in a fresh Node process (the process start is not counted).
 * `preload`: packages imported before the clock starts (to split the bundle's own time from its externals').
 */
function importOnce(file: string, preload: string[] = []): number {
  const pre = preload.map((p) => `await import(${JSON.stringify(p)});`).join(' ');
  const code = `${pre} const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t); process.exit(0);`;
  const out = execFileSync(node, ['--input-type=module', '-e', code], {
    env: { ...process.env, ...ENV, NODE_OPTIONS: '' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  return Number(out.trim().split('\n').pop());
}

/** Builds, measures and returns every Lambda bundle and the watcher's. */
export function runBundleBench(imports = 10): BundleFigures[] {
  const outdir = join(root, 'node_modules', '.cache', 'argosy-bench-dist');
  execFileSync(node, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/build.ts', '--outdir', outdir], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const fnDir = join(outdir, 'functions');
  const targets = [
    ...(existsSync(fnDir) ? readdirSync(fnDir) : []).map((f) => ({
      name: `function ${f}`,
      path: join(fnDir, f, 'handler.mjs'),
      meta: `function-${f}.json`,
    })),
    { name: 'watcher', path: join(outdir, 'watcher', 'main.mjs'), meta: 'watcher.json' },
  ];
  return targets.map((t) => {
    const code = readFileSync(t.path);
    const meta = JSON.parse(readFileSync(join(outdir, 'meta', t.meta), 'utf8'));
    // The watcher's entry starts serving on import: time only the Lambda handlers' imports.
    const externals = externalPackages(meta);
    const lambda = t.name !== 'watcher';
    const times = lambda ? Array.from({ length: imports }, () => importOnce(t.path)) : [];
    const own = lambda ? Array.from({ length: imports }, () => importOnce(t.path, externals)) : [];
    return {
      name: t.name,
      path: t.path.slice(outdir.length + 1),
      bytes: code.length,
      gzipBytes: gzipSync(code).length,
      largest: bytesByPackage(meta).slice(0, 5),
      importMs: summarize(times),
      importOwnMs: summarize(own),
      externals,
    };
  });
}
