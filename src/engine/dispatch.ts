/** What a template executor receives and returns (the rows of `template-types.ts` and the Retry executor). */
import type { ExecContext } from './context.ts';
import type { NodeStatus, Parameter, Template, TemplateRef } from './types.ts';
import type { TemplateScope } from './template-scope.ts';
import type { Resolver } from './substitute.ts';

type NodeFlag = NonNullable<NodeStatus['nodeFlag']>;

/** A resolved template to run as one node (the Retry executor runs each attempt through this). */
export interface Dispatch {
  nodeName: string;
  /** The template as written; executors substitute it with `scope` when they need its values. */
  template: Template;
  scope: Resolver;
  templateName: string;
  boundaryID?: string;
  inputs: Parameter[];
  depth: number;
  nodeFlag?: NodeFlag;
  /** The holder's templateRef: every node this template creates records it (Argo's orgTmpl). */
  templateRef?: TemplateRef;
  /** Where the template's own steps/tasks resolve template names (template-scope.ts). */
  childScope: TemplateScope;
  /** The calling step's/task's scope, for the workflow-level volumes (ExecuteRequest.callerScope). */
  callerScope?: Resolver;
}

/** Creates or advances the node of `d`; returns its current status. */
export type Executor = (ctx: ExecContext, existing: NodeStatus | undefined, d: Dispatch) => NodeStatus;
