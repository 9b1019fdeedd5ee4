// How `argosy` starts (docs/cli.md, "How the CLI starts"; ADR 0027). Plain JavaScript: it runs before
// anything can compile TypeScript.
//
// The bundle `npm ci` builds (`prepare` → `scripts/build.ts --only cli`) starts in a third of the time
// of the sources through tsx, which compiles every TypeScript file at every start. The build writes a
// stamp beside the bundle: the path, mtime and size of every file it was built from (the CLI's
// sources, the data files copied beside it, the installed packages' lock). The bundle is used only
// when every one of them is unchanged; any edit, new checkout or `npm ci` sends `argosy` back to the
// sources, so a test never runs code older than the tree it tests.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

/** The bundle and its stamp, relative to the repository root. */
export const BUNDLE = 'dist/cli/main.mjs';
export const STAMP = 'dist/cli/sources.json';

/**
 * The stamp of `files` (absolute paths): each one's path relative to `root`, mtime and size.
 *
 * @param {string} root
 * @param {string[]} files
 * @returns {{ files: [string, number, number][] }}
 */
export function stampOf(root, files) {
  const rows = [...new Set(files)].sort().map((file) => {
    const s = statSync(file);
    return /** @type {[string, number, number]} */ ([relative(root, file), s.mtimeMs, s.size]);
  });
  return { files: rows };
}

/**
 * Writes the stamp of `files` to `stampPath` (after the bundle: a build that stops half-way leaves none).
 *
 * @param {string} root
 * @param {string} stampPath
 * @param {string[]} files
 */
export function writeStamp(root, stampPath, files) {
  mkdirSync(dirname(stampPath), { recursive: true });
  writeFileSync(stampPath, JSON.stringify(stampOf(root, files)));
}

/**
 * Why the bundle must not be used, or `undefined` when every file it was built from is unchanged.
 *
 * @param {string} root
 * @param {string} [stampPath]
 * @returns {string | undefined}
 */
export function staleReason(root, stampPath = join(root, STAMP)) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    return `no bundle stamp (${relative(root, stampPath)}): run \`npm run build:cli\``;
  }
  if (!Array.isArray(stamp?.files) || stamp.files.length === 0) return 'the bundle stamp lists no files';
  for (const [path, mtimeMs, size] of stamp.files) {
    const s = statSync(resolve(root, path), { throwIfNoEntry: false });
    if (!s) return `${path} is gone since the build`;
    if (s.mtimeMs !== mtimeMs || s.size !== size) return `${path} changed since the build`;
  }
  return undefined;
}

/**
 * Where Node keeps the bundle's compiled code between runs: the repository's node_modules/.cache,
 * else the user's cache directory; never a shared world-writable directory such as /tmp.
 *
 * @param {string} root
 * @param {NodeJS.ProcessEnv} env
 * @returns {string}
 */
export function compileCacheDir(root, env) {
  if (statSync(join(root, 'node_modules'), { throwIfNoEntry: false })?.isDirectory())
    return join(root, 'node_modules', '.cache', 'argosy-cli');
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'argosy', 'compile-cache');
}
