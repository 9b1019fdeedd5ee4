/**
 * `valueFrom.configMapKeyRef` on workflow arguments and template inputs (Argo's `GetConfigMapValue`):
 * the ConfigMap comes from the workflow's namespace in the main cluster (the runtime reads it into the
 * snapshot), must carry the label `workflows.argoproj.io/configmap-type: Parameter`, and must have the
 * key. Failures use Argo's messages; a `valueFrom.default` stands in only for a missing ConfigMap/key.
 */
import type { ObservedConfigMap } from './contract.ts';
import type { Parameter } from './types.ts';

/** The label Argo requires on parameter ConfigMaps. */
export const LABEL_CONFIGMAP_TYPE = 'workflows.argoproj.io/configmap-type';

/** A value, or why there is none (`notFound`: the ConfigMap or key is missing). */
export type ConfigMapLookup = { value: string } | { error: string; notFound: boolean };

/** Argo's `GetConfigMapValue`. */
export function configMapValue(
  configMaps: Record<string, ObservedConfigMap> | undefined,
  namespace: string,
  name: string,
  key: string,
): ConfigMapLookup {
  const cm = configMaps?.[`${namespace}/${name}`];
  if (!cm)
    return {
      error: `ConfigMap '${name}' does not exist. Please make sure it has the label ${LABEL_CONFIGMAP_TYPE}: Parameter to be detectable by the controller`,
      notFound: true,
    };
  if (cm.labels?.[LABEL_CONFIGMAP_TYPE] !== 'Parameter')
    return {
      error: `ConfigMap '${name}' needs to have the label ${LABEL_CONFIGMAP_TYPE}: Parameter to load parameters`,
      notFound: false,
    };
  const value = cm.data?.[key];
  if (value === undefined) return { error: `ConfigMap '${name}' does not have the key '${key}'`, notFound: true };
  return { value };
}

/** A workflow argument's value from its ConfigMap (else its default); throws Argo's error. */
export function globalParameterFromConfigMap(
  p: Parameter,
  namespace: string,
  configMaps: Record<string, ObservedConfigMap> | undefined,
): string {
  const ref = p.valueFrom?.configMapKeyRef as { name: string; key: string };
  const found = configMapValue(configMaps, namespace, ref.name, ref.key);
  if ('value' in found) return found.value;
  if (p.valueFrom?.default !== undefined) return p.valueFrom.default;
  throw new Error(
    `failed to set global parameter ${p.name} from configmap with name ${ref.name} and key ${ref.key}: ${found.error}`,
  );
}

/** An input's value from its ConfigMap (name/key already substituted); throws Argo's error. */
export function inputFromConfigMap(
  p: Parameter,
  ref: { name: string; key: string },
  namespace: string,
  configMaps: Record<string, ObservedConfigMap> | undefined,
): string {
  const found = configMapValue(configMaps, namespace, ref.name, ref.key);
  if ('value' in found) return found.value;
  if (p.valueFrom?.default !== undefined && found.notFound) return p.valueFrom.default;
  throw new Error(`unable to retrieve inputs.parameters.${p.name} from ConfigMap: ${found.error}`);
}
