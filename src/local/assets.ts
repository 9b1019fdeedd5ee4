/**
 * Where local mode's data files are (Argo's CRDs, the image stand-in scripts): beside the sources
 * when run from the repository, or in `assets/` beside a bundle (`scripts/build.ts` copies them there,
 * so `dist/cli/main.mjs` works on its own).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `sourceRelative` from the calling module when it exists, else `assets/<bundled>` beside the bundle. */
export function assetDir(moduleUrl: string, sourceRelative: string, bundled: string): string {
  const here = dirname(fileURLToPath(moduleUrl));
  const fromSource = join(here, sourceRelative);
  return existsSync(fromSource) ? fromSource : join(here, 'assets', bundled);
}

/** What scripts/build.ts copies next to a bundle that runs local mode: repository path → assets name. */
export const BUNDLED_ASSETS: Readonly<Record<string, string>> = {
  'infra/crds': 'crds',
  // The RBAC overlays local mode renders (src/local/identities.ts); infra/k8s/crds is not used there.
  'infra/k8s': 'k8s',
  'src/local/kubelet/images': 'images',
  // The built web UI (`npm ci` builds it through `prepare`), so a bundled `argosy ui` serves it.
  'ui/dist': 'ui',
};
