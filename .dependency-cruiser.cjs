// Layer rules, checked by `npm run check` (depcruise) on every import, relative or not.
// Direction (a layer may import only the layers to its left, and the shared root files):
//
//   engine ← ports ← adapters ← clusters ← runtime ← functions | watcher | cli
//
// `src/local/` (embedded clusters, kubelets, queues) is a test and demo harness: only the CLI's
// local-mode helpers (src/cli/lib/local-*.ts) and tests/bench/scripts may load it, so nothing in a Lambda bundle or the
// watcher image can. The root files (`config.ts`, `logger.ts`, `nudge.ts`, `zod-en.ts`) are shared by
// every layer except the engine, which takes everything as arguments. No module may take part in an
// import cycle (type-only imports included).
// `test/unit/architecture/layers.test.ts` proves that a forbidden import fails this check.

/** Paths (regex) a layer must not import. */
const above = {
  engine: '^src/(ports|adapters|clusters|runtime|watcher|cli|local)/|^functions/|^src/[^/]+[.]ts$',
  ports: '^src/(adapters|clusters|runtime|watcher|cli|local)/|^functions/',
  adapters: '^src/(clusters|runtime|watcher|cli|local)/|^functions/',
  clusters: '^src/(runtime|watcher|cli|local)/|^functions/',
  runtime: '^src/(watcher|cli|local)/|^functions/',
  watcher: '^src/(cli|local)/|^functions/',
  cli: '^src/watcher/|^functions/',
  functions: '^src/(watcher|cli|local)/',
};

const layerRules = Object.entries(above).map(([layer, forbidden]) => ({
  name: `layer-${layer}`,
  comment: `${layer} may not depend on a layer above it (see .dependency-cruiser.cjs header)`,
  severity: 'error',
  from: { path: layer === 'functions' ? '^functions/' : `^src/${layer}/` },
  to: { path: forbidden },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'local-only-from-cli-local-mode',
      comment: 'src/local/ is a harness: only the CLI local-mode commands (and tests) may load it',
      severity: 'error',
      from: { path: '^(src|functions)/', pathNot: '^src/local/|^src/cli/lib/local-(stack|controller)[.]ts$' },
      to: { path: '^src/local/' },
    },
    {
      name: 'engine-no-io',
      comment: 'the engine does no I/O and knows no SDKs: time, clients and configuration come in as arguments',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'engine-no-sdk',
      comment: 'the engine knows no SDKs',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: 'node_modules/(@aws-sdk|@kubernetes|@middy|@smithy)/' },
    },
    {
      name: 'client-node-only-for-cli-plugins',
      comment:
        '@kubernetes/client-node (megabytes, slow to load) only runs kubeconfig plugins for the CLI; the functions and the watcher must not carry it',
      severity: 'error',
      from: { path: '^(src|functions)/', pathNot: '^src/clusters/kubeconfig-plugin[.]ts$' },
      to: { path: 'node_modules/@kubernetes/client-node/' },
    },
    {
      name: 'no-circular',
      comment:
        'modules that import each other cannot be read, tested or moved alone: put what both need in a leaf module, or pass the function in (the engine recursion goes through ExecContext.executeTemplate)',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that resolves to nothing is a typo or a missing dependency (aws-lambda is types only)',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|[.]serverless|[.]esbuild|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
