/**
 * What the corpus run (scripts/corpus-run.ts) and the artifact conformance harness know about single
 * files of Argo's corpus beyond ../shared/conformance/argo-upstream/manifest.json, each entry with where
 * in Argo it comes from:
 * - the objects a file needs before it runs, as Argo's own tests create them (or as the example's comment
 *   asks its user to), applied with `argosy run --apply`;
 * - the phase Argo reaches where the manifest only judged one ("judged", no Argo test runs the file) and
 *   Argo's code decides otherwise;
 * - files that cannot finish sooner than the default time limit by design.
 */

/** Argo's hack: objects every example may use (examples_test.go applies every ConfigMap, PVC and template of examples/). */
export const PRELOADED_FILES = [
  'examples__workflow-template__templates.yaml',
  'examples__cluster-workflow-template__clustertemplates.yaml',
  'examples__configmaps__simple-parameters-configmap.yaml',
  'examples__testvolume.yaml',
];

export interface Setup {
  /** Corpus files (argo-upstream) to apply first. */
  files?: string[];
  /** Objects (YAML documents) to apply first. */
  objects?: string;
  why: string;
}

const MY_CONFIG = `apiVersion: v1
kind: ConfigMap
metadata: {name: my-config}
data: {workflow: "1", template: "1"}
`;
const MY_SECRET = `apiVersion: v1
kind: Secret
metadata: {name: my-secret}
stringData: {mypassword: S00perS3cretPa55word}
`;
// Placeholders: the example points at the user's own AWS bucket, which this machine cannot reach.
const MY_S3_CREDENTIALS = `apiVersion: v1
kind: Secret
metadata: {name: my-s3-credentials}
stringData: {accessKey: placeholder-access-key, secretKey: placeholder-secret-key}
`;

const SEMAPHORE = {
  objects: MY_CONFIG,
  why: 'semaphore_test.go creates ConfigMap my-config (keys workflow / template) before its semaphore files',
};
const S3 = {
  objects: MY_S3_CREDENTIALS,
  why: 'the example asks for `kubectl create secret generic my-s3-credentials` (its bucket is the user’s own, on AWS)',
};

/** By corpus file name (symlinked e2e files resolve to their target's name first). */
export const SETUP: Record<string, Setup> = {
  'test__e2e__functional__entrypointName-workflow.yaml': {
    files: ['test__e2e__functional__entrypointName-template.yaml'],
    why: 'functional_test.go TestEntrypointName creates entrypointName-template.yaml first',
  },
  'examples__synchronization-wf-level.yaml': SEMAPHORE,
  'examples__synchronization-tmpl-level.yaml': SEMAPHORE,
  'examples__secrets.yaml': {
    objects: MY_SECRET,
    why: 'the example asks for `kubectl create secret generic my-secret --from-literal=mypassword=…`',
  },
  'examples__input-artifact-s3.yaml': S3,
  'examples__output-artifact-s3.yaml': S3,
};

/** Argo's phase where the manifest judged another one, and why (Argo v4.1.2's code). */
export const CORRECTED: Record<string, { expected: string; why: string }> = {
  'test__e2e__functional__output-input-artifact-optional.yaml': {
    expected: 'Failed|Error',
    why:
      'the optional output is not produced, so wait does not report it (executor.go SaveArtifacts keeps only ' +
      'saved artifacts since v3.6, PR #13678) and the consumer’s non-optional argument `from` cannot resolve: ' +
      'steps.go resolveReferences → "unable to resolve references: Unable to resolve: …", the step group errors',
  },
  'examples__step-level-timeout.yaml': {
    expected: 'Failed',
    why:
      'a template timeout becomes the pod’s activeDeadlineSeconds; the kubelet ends the pod DeadlineExceeded ' +
      'with a status message, which inferFailedReason turns into NodeFailed; sleep1 continues only on error ' +
      '(workflow_types.go continues), so the step group fails — as functional_test.go TestTemplateLevelTimeout ' +
      'expects Failed for the same template',
  },
};

/** Files whose run takes longer than the default limit by design (seconds of sleep they serialise). */
export const MIN_TIMEOUT_S: Record<string, number> = {
  // Two mutexes, each held by one of five steps at a time: 5 × 50 s on `test`.
  'examples__synchronization-mutex-tmpl-level.yaml': 420,
};
