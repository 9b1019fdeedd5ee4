/** Label, annotation and finalizer keys Argo (and Argosy) put on workflows and pods. */
export const LABEL_WORKFLOW = 'workflows.argoproj.io/workflow';
export const LABEL_COMPLETED = 'workflows.argoproj.io/completed';
export const LABEL_PHASE = 'workflows.argoproj.io/phase';
export const LABEL_INSTANCE_ID = 'workflows.argoproj.io/controller-instanceid';
export const LABEL_ON_EXIT = 'workflows.argoproj.io/on-exit';
export const LABEL_WORKFLOW_CLUSTER_NAME = 'workflows.argoproj.io/workflow-cluster-name';
export const LABEL_WORKFLOW_NAMESPACE = 'workflows.argoproj.io/workflow-namespace';
export const ANNOTATION_NODE_NAME = 'workflows.argoproj.io/node-name';
export const ANNOTATION_NODE_ID = 'workflows.argoproj.io/node-id';
export const ANNOTATION_DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';
export const ANNOTATION_POD_NAME_FORMAT = 'workflows.argoproj.io/pod-name-format';
