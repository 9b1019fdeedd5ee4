#!/usr/bin/env node
// The `argosy` command: the bundle `npm ci` builds when it matches the sources (with Node's compile
// cache, so V8 does not compile 7 MB again at every start), else the TypeScript sources through tsx,
// so a clone works without a build and an edited tree never runs stale code (bin/start.js).
import module from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUNDLE, compileCacheDir, staleReason } from './start.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const stale = staleReason(root);
// ARGOSY_START_DEBUG=1: say which code runs and why (the bench checks it measures the bundle).
const debug = process.env.ARGOSY_START_DEBUG === '1';

if (stale === undefined) {
  // Node >= 22.1; older Node runs the bundle without it. NODE_COMPILE_CACHE set by the user wins.
  const cache = module.enableCompileCache?.(compileCacheDir(root, process.env));
  if (debug) process.stderr.write(`argosy: starting from ${BUNDLE} (compile cache: ${cache?.directory ?? 'none'})\n`);
  await import(pathToFileURL(join(root, BUNDLE)).href);
} else {
  if (debug) process.stderr.write(`argosy: starting from the sources through tsx (${stale})\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
