/**
 * What asks for a template to run as a node: the request `executeTemplate` (execute.ts) takes. A leaf
 * module, so the decide context (context.ts) can carry `executeTemplate` and the executors of steps,
 * tasks and exit handlers can recurse through it without importing execute.ts, which imports them.
 */
import type { Artifact, NodeStatus, Parameter, Template, TemplateRef } from './types.ts';
import type { Resolver } from './substitute.ts';

/** What points at a template: a step, task, or the entrypoint. */
export interface TemplateHolder {
  template?: string;
  templateRef?: TemplateRef;
  inline?: Template;
}

/** A request to run a template as node `nodeName`. */
export interface ExecuteRequest {
  nodeName: string;
  holder: TemplateHolder;
  args?: Parameter[];
  /** Argument artifacts, references already resolved. */
  artifacts?: Artifact[];
  boundaryID?: string;
  depth: number;
  /** Set on exit-handler nodes (`hooked`). */
  nodeFlag?: NodeFlag;
  /**
   * The scope the calling step/task was resolved in (its siblings' outputs included): the workflow-level
   * volumes its pod mounts are substituted with it (pod/build-pod.ts). Absent: the globals only.
   */
  callerScope?: Resolver;
}

export type NodeFlag = NonNullable<NodeStatus['nodeFlag']>;
