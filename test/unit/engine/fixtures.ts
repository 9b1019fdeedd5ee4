/** Small workflow builders for engine tests. */
import type { Template, Workflow } from '../../../src/engine/types.ts';
import { parseWorkflows } from '../../../src/engine/index.ts';

/** A workflow from YAML with a fixed name/namespace/uid. */
export function wfFromYaml(yaml: string, name = 'wf', namespace = 'argo'): Workflow {
  const { workflows, errors } = parseWorkflows(yaml);
  if (errors.length > 0) throw new Error(JSON.stringify(errors));
  const wf = workflows[0] as Workflow;
  return { ...wf, metadata: { ...wf.metadata, name, namespace, uid: `uid-${name}` } };
}

/** A DAG workflow from task specs. */
export function dagWorkflow(tasks: { name: string; depends?: string }[], extra: Partial<Template> = {}): Workflow {
  return {
    metadata: { name: 'wf', namespace: 'argo', uid: 'uid-wf' },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks: tasks.map((t) => ({ ...t, template: 'echo' })) } },
        { name: 'echo', container: { image: 'argoproj/argosay:v2' }, ...extra },
      ],
    },
  };
}

export const NOW = new Date('2026-01-02T15:04:05Z');
