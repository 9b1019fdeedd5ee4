/**
 * For the split CLI bundle: `await import('yaml')` (a package imported on first use) becomes a chunk
 * of its own, and a chunk is a real ES module whose exports esbuild must know when it builds. For a
 * CommonJS package (yaml, the AWS SDK) it knows none, so the chunk exports only `default` and
 * `const { parse } = await import('yaml')` would get undefined. This plugin puts a small ES module
 * between the call and such a package, exporting by name what the package exports (as Node lists
 * them when it imports the package at build time), so the chunk has the names the sources use.
 */
import type { Plugin } from 'esbuild';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const NAMESPACE = 'argosy-split-package';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The exports of `pkg` as Node sees them from `root` (CommonJS names found by Node's lexer). */
async function exportsOf(root: string, pkg: string): Promise<{ names: string[]; hasDefault: boolean }> {
  const resolved = createRequire(`${root}/`).resolve(pkg);
  const mod = (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  const names = Object.keys(mod).filter((n) => n !== 'default' && n !== '__esModule' && IDENTIFIER.test(n));
  return { names, hasDefault: 'default' in mod };
}

/** The plugin; `root` is where packages are resolved from (the repository). */
export function splitPackages(root: string): Plugin {
  return {
    name: 'split-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        // Only Argosy's own imports: a package's internal dynamic imports are left as esbuild bundles them.
        if (args.kind !== 'dynamic-import' || args.path.startsWith('node:') || args.importer.includes('/node_modules/'))
          return undefined;
        return { path: args.path, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => {
        const { names, hasDefault } = await exportsOf(root, args.path);
        const named = names.length ? `export const { ${names.join(', ')} } = m;\n` : '';
        const dflt = hasDefault ? 'export default m.default;\n' : '';
        return { contents: `import * as m from ${JSON.stringify(args.path)};\n${named}${dflt}`, resolveDir: root };
      });
    },
  };
}
