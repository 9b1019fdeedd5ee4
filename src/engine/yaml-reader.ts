/**
 * How the engine reads the YAML documents inside a workflow (`podSpecPatch`, resource manifests,
 * artifact-repository ConfigMap values) without importing a YAML parser: the parser (`yaml`, ~110 KiB)
 * was most of the reconcile Lambda's cold start that no workflow without such documents needs
 * (docs/adr/0029-yaml-reader-loaded-on-need.md). `yaml-go.ts` installs Go-faithful reading when it is imported;
 * the CLI, local mode and `engine/index.ts` import it, and the reconcile loads it on first need.
 *
 * Decisions stay a function of the snapshot and `now`: with no reader installed, reading throws
 * {@link YamlReaderMissing} instead of deciding anything, and the reconcile loads the reader and
 * decides again.
 */

/** One YAML document as go-yaml reads it; throws the parser's first error (its message is Argo-facing). */
export type YamlReader = (text: string) => unknown;

let installed: YamlReader | undefined;

/** Thrown by {@link readGoYaml} before a reader is installed: not a workflow error, a load to do. */
export class YamlReaderMissing extends Error {
  constructor() {
    super('the YAML reader is not loaded (import engine/yaml-go.ts before deciding)');
    this.name = 'YamlReaderMissing';
  }
}

export function installYamlReader(reader: YamlReader): void {
  installed = reader;
}

export function yamlReaderInstalled(): boolean {
  return installed !== undefined;
}

/** One document read as Go's yaml reads it; throws its first parse error, or {@link YamlReaderMissing}. */
export function readGoYaml(text: string): unknown {
  if (!installed) throw new YamlReaderMissing();
  return installed(text);
}
