/**
 * The executor of steps templates (Argo's `executeSteps`): groups run one after another, the steps of a
 * group in parallel; a failed group fails the Steps node with the group's message.
 */
import type { ExecContext } from '../context.ts';
import { addChild, getNode, initNode, isFulfilled, markPhase, mutableNode, outboundNodes } from '../context.ts';
import type { NodeStatus, Template, WorkflowStep } from '../types.ts';
import { chainResolvers, type Resolver } from '../substitute.ts';
import { siblingResolver, type SiblingOutputs } from '../scope.ts';
import { aggregateTemplateOutputs } from '../outputs.ts';
import { nodeTemplate } from '../template.ts';
import { executeStepGroup } from './execute-step-group.ts';

/** Resolves `steps.X.*` from the groups that already ran. */
function stepsResolver(ctx: ExecContext, stepsNode: NodeStatus, groups: WorkflowStep[][]): Resolver {
  return siblingResolver(
    'steps',
    (name): SiblingOutputs | undefined => {
      const gi = groups.findIndex((g) => g.some((s) => s.name === name));
      if (gi < 0) return undefined;
      const sgName = `${stepsNode.name}[${gi}]`;
      const step = groups[gi]?.find((s) => s.name === name);
      const direct = getNode(ctx, `${sgName}.${name}`);
      const looped =
        step && (step.withItems !== undefined || step.withParam !== undefined || step.withSequence !== undefined);
      if (!looped) return direct ? { node: direct } : undefined;
      const sg = getNode(ctx, sgName);
      const prefix = `${sgName}.${name}(`;
      const items = (sg?.children ?? [])
        .map((c) => ctx.nodes[c])
        .filter((n): n is NodeStatus => !!n && n.type !== 'Skipped' && n.name.startsWith(prefix));
      return { node: direct, items };
    },
    (n) => nodeTemplate(ctx, n),
  );
}

/** Connects group `i` to the outbound nodes of group `i-1`'s children (or to group `i-1` itself). */
function connectGroup(ctx: ExecContext, stepsNode: NodeStatus, i: number, sgId: string): void {
  if (i === 0) {
    addChild(ctx, stepsNode.id, sgId);
    return;
  }
  const prev = getNode(ctx, `${stepsNode.name}[${i - 1}]`);
  if (!prev) return;
  const children = prev.children ?? [];
  if (children.length === 0) {
    addChild(ctx, prev.id, sgId);
    return;
  }
  for (const c of children) for (const out of outboundNodes(ctx, c)) addChild(ctx, out, sgId);
}

function setOutbound(ctx: ExecContext, stepsId: string, lastGroup: NodeStatus | undefined): NodeStatus {
  const node = mutableNode(ctx, stepsId);
  const outbound = (lastGroup?.children ?? []).flatMap((c) => outboundNodes(ctx, c));
  if (outbound.length > 0) node.outboundNodes = outbound;
  return node;
}

/** Runs or advances a Steps node. */
export function executeSteps(ctx: ExecContext, stepsId: string, t: Template, scope: Resolver, depth: number): void {
  const stepsNode = ctx.nodes[stepsId] as NodeStatus;
  if (isFulfilled(stepsNode)) return;
  const groups = t.steps ?? [];
  const resolver = chainResolvers(stepsResolver(ctx, stepsNode, groups), scope);
  let lastGroup: NodeStatus | undefined;
  for (let i = 0; i < groups.length; i++) {
    const sgName = `${stepsNode.name}[${i}]`;
    let sg = getNode(ctx, sgName);
    if (!sg) {
      sg = initNode(ctx, { name: sgName, type: 'StepGroup', boundaryID: stepsId, phase: 'Running' });
      connectGroup(ctx, stepsNode, i, sg.id);
    }
    sg = executeStepGroup(ctx, { sgId: sg.id, steps: groups[i] ?? [], stepsId, resolver, depth });
    if (!isFulfilled(sg)) return;
    lastGroup = sg;
    if (sg.phase !== 'Succeeded') {
      // Argo sets the outbound nodes from the last initialized group on failure too.
      setOutbound(ctx, stepsId, lastGroup);
      markPhase(ctx, stepsId, 'Failed', sg.message ?? '');
      return;
    }
  }
  const node = setOutbound(ctx, stepsId, lastGroup);
  const outputs = aggregateTemplateOutputs(t, resolver, ctx);
  if (outputs) node.outputs = outputs;
  markPhase(ctx, stepsId, 'Succeeded');
}
