/**
 * The pure workflow engine: Argo semantics as data in, data out. No I/O, clock, env or randomness.
 * `decide` is the one entry point of the reconcile loop; the rest are helpers for runtime and CLI.
 */
export { decide } from './decide.ts';
export { parseWorkflows, type ParseError, type ParseResult, type ParseOptions } from './parse.ts';
export { validateWorkflow, type ValidationError, type ValidateOptions } from './validate.ts';
export { needsResult } from './needs-result.ts';
export { ttlExpiresAt, ttlSeconds } from './ttl.ts';
export { fnv32a, nodeId, podName, displayNameOf, formatTime, type PodNameFormat } from './names.ts';
export { podTarget, DEADLINE_MESSAGE } from './pod/execute-pod.ts';
export { resumeWorkflow, resumeSpecPatch, isWorkflowSuspended, ResumeError } from './suspend/resume.ts';
export { setSuspendedNodes, type SetNodeValues } from './suspend/set-node.ts';
export { SuspendOutputError } from './suspend/execute-suspend.ts';
export { FAIL_FAST_MESSAGE } from './parallelism.ts';
export { humanizeDuration, parseArgoDuration, DurationError } from './retry/durations.ts';
export { parseArgosyDocument, parseArgosyOutputs, type ArgosyOutputsDoc } from './pod/assess-pod.ts';
export { SCRIPT_ENV, scriptPrologue } from './pod/script.ts';
export { shouldExecute, WhenExpressionError } from './expr/govaluate.ts';
export { parseDepends, evaluateDepends, DependsSyntaxError } from './expr/depends.ts';
export { expandSequence, itemSuffix } from './loops.ts';
export {
  LABEL_WORKFLOW,
  LABEL_COMPLETED,
  LABEL_PHASE,
  LABEL_INSTANCE_ID,
  LABEL_ON_EXIT,
  LABEL_WORKFLOW_CLUSTER_NAME,
  LABEL_WORKFLOW_NAMESPACE,
  ANNOTATION_NODE_NAME,
  ANNOTATION_NODE_ID,
  ANNOTATION_DEFAULT_CONTAINER,
  ANNOTATION_POD_NAME_FORMAT,
} from './labels.ts';
export { WORKFLOW_FINALIZER } from './contract.ts';
export type { Decision, Snapshot, Action, ObservedPod, ControllerSettings, PlacementCheck } from './contract.ts';
export { formulateRetry, type RetryOptions, type RetryPlan } from './rerun/retry-workflow.ts';
export { formulateResubmit, LABEL_RESUBMITTED_FROM, type ResubmitOptions } from './rerun/resubmit-workflow.ts';
export { RerunError } from './rerun/rerun-error.ts';
export type { PodToDelete } from './rerun/pods.ts';
