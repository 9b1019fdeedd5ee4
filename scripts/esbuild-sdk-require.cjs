// esbuild plugin for the Lambda bundles: load the runtime-provided AWS SDK v3 (left external) with
// require() instead of an ESM import. The SDK ships CommonJS only; `import` of a CommonJS package from
// ESM makes Node scan every module of it for its exports (cjs-module-lexer) before running it, which
// measured ~19 ms of the ~55 ms the SQS + Secrets Manager clients take to load — on every cold start.
// require() (the bundle banner defines it with createRequire) loads the same files without the scan;
// in Lambda it finds the SDK through NODE_PATH (/var/runtime/node_modules), as CommonJS handlers do.
// CommonJS (not .ts/.mjs) because serverless-esbuild loads `custom.esbuild.plugins` with require().
// Node's built-in modules are loaded with require() too: an ESM import of a built-in builds a facade
// that reads every export, and node:http's exports include lazy getters (WebSocket, MessageEvent…)
// that load Node's whole bundled undici — measured 11 ms with require() against 65 ms with import
// under load, the largest single cost of the reconcile bundle's import (docs/performance.md).
// Used by scripts/build.ts and serverless.yml (custom.esbuild.plugins).
const { builtinModules } = process.getBuiltinModule('node:module');

/** @type {import('esbuild').Plugin} */
const sdkRequire = {
  name: 'aws-sdk-require',
  setup(build) {
    // Each `import ... from '@aws-sdk/x'` (static or dynamic) becomes a tiny CommonJS module whose
    // require('@aws-sdk/x') stays external; esbuild then reads its exports as it does for any CJS module.
    build.onResolve({ filter: /^@aws-sdk\// }, (args) =>
      args.kind === 'require-call'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'aws-sdk-require' },
    );
    build.onLoad({ filter: /.*/, namespace: 'aws-sdk-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/** Built-ins by either name (`node:http`, `http`, `fs/promises`). */
const builtin = new RegExp(`^(node:.*|${builtinModules.filter((m) => !m.startsWith('_')).join('|')})$`);

/** @type {import('esbuild').Plugin} */
const builtinRequire = {
  name: 'node-builtin-require',
  setup(build) {
    // As above: each import of a built-in becomes `module.exports = require(...)`, left external.
    build.onResolve({ filter: builtin }, (args) =>
      args.kind === 'require-call'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'node-builtin-require' },
    );
    build.onLoad({ filter: /.*/, namespace: 'node-builtin-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path.startsWith('node:') ? args.path : `node:${args.path}`)});`,
      loader: 'js',
    }));
  },
};

module.exports = [sdkRequire, builtinRequire];
