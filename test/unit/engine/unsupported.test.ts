// Every Argo field Argosy does not implement is refused by name (the table in
// src/engine/unsupported.ts, printed in docs/engine.md), and every field Argo's types do not know is
// refused with the closest known one — by validateWorkflow (lint, submit) and by decide (controller).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { decide, validateWorkflow } from '../../../src/engine/index.ts';
import { ARGO_TYPES } from '../../../src/engine/argo-schema.generated.ts';
import { UNSUPPORTED } from '../../../src/engine/unsupported.ts';
import type { Workflow } from '../../../src/engine/types.ts';
import { NOW, wfFromYaml } from './fixtures.ts';

const base = (): Workflow =>
  wfFromYaml(`
metadata: {name: wf}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: s, template: c}
  - name: d
    dag:
      tasks:
      - {name: t, template: c}
  - name: c
    container: {image: busybox}
    outputs:
      parameters:
      - name: p
        valueFrom: {path: /tmp/p}
  - name: r
    resource: {action: get, flags: [configmap, x]}
`);

/** A non-empty sample of a field's type, so the walker sees it set. */
function sample(ref: string): unknown {
  if (ref === '') return 'x';
  if (ref.startsWith('[]')) return [sample(ref.slice(2)) ?? 'x'];
  if (ref.startsWith('{}')) return { k: sample(ref.slice(2)) };
  const first = Object.keys(ARGO_TYPES[ref] ?? {})[0];
  return first ? { [first]: 'x' } : 'x';
}

type Wf = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Where each owner type sits in `base()`. */
const PLACES: Record<string, { owner: (wf: Wf) => Wf; path: string }> = {
  WorkflowSpec: { owner: (wf) => wf.spec, path: 'spec' },
  Template: { owner: (wf) => wf.spec.templates[2], path: 'spec.templates[2]' },
  WorkflowStep: { owner: (wf) => wf.spec.templates[0].steps[0][0], path: 'spec.templates[0].steps[0][0]' },
  DAGTask: { owner: (wf) => wf.spec.templates[1].dag.tasks[0], path: 'spec.templates[1].dag.tasks[0]' },
  Inputs: { owner: (wf) => (wf.spec.templates[2].inputs ??= {}), path: 'spec.templates[2].inputs' },
  Outputs: { owner: (wf) => wf.spec.templates[2].outputs, path: 'spec.templates[2].outputs' },
  Arguments: { owner: (wf) => (wf.spec.arguments ??= {}), path: 'spec.arguments' },
  ValueFrom: {
    owner: (wf) => wf.spec.templates[2].outputs.parameters[0].valueFrom,
    path: 'spec.templates[2].outputs.parameters[0].valueFrom',
  },
  ResourceTemplate: { owner: (wf) => wf.spec.templates[3].resource, path: 'spec.templates[3].resource' },
  Artifact: {
    owner: (wf) => (wf.spec.templates[2].outputs.artifacts = [{ name: 'a', path: '/tmp/a' }])[0] as Wf,
    path: 'spec.templates[2].outputs.artifacts[0]',
  },
  ArtifactLocation: {
    owner: (wf) => (wf.spec.templates[2].archiveLocation = {}),
    path: 'spec.templates[2].archiveLocation',
  },
  ArchiveStrategy: {
    owner: (wf) =>
      (wf.spec.templates[2].outputs.artifacts = [{ name: 'a', path: '/tmp/a', archive: {} as Wf }])[0]!.archive,
    path: 'spec.templates[2].outputs.artifacts[0].archive',
  },
  WorkflowLevelArtifactGC: {
    owner: (wf) => (wf.spec.artifactGC = { strategy: 'OnWorkflowDeletion' }),
    path: 'spec.artifactGC',
  },
  Cache: {
    owner: (wf) => (wf.spec.templates[2].memoize = { key: 'k', cache: {} as Wf }).cache,
    path: 'spec.templates[2].memoize.cache',
  },
  RetryStrategy: {
    owner: (wf) => (wf.spec.templates[2].retryStrategy = { limit: 1 }),
    path: 'spec.templates[2].retryStrategy',
  },
  Mutex: {
    owner: (wf) => (wf.spec.synchronization = { mutexes: [{ name: 'm' }] as Wf[] }).mutexes[0] as Wf,
    path: 'spec.synchronization.mutexes[0]',
  },
  SemaphoreRef: {
    owner: (wf) =>
      (wf.spec.synchronization = { semaphores: [{ configMapKeyRef: { name: 'c', key: 'k' } }] as Wf[] })
        .semaphores[0] as Wf,
    path: 'spec.synchronization.semaphores[0]',
  },
};

describe('unsupported Argo features are refused by name', () => {
  test('the base workflow is valid', () => assert.deepEqual(validateWorkflow(base()), []));

  for (const entry of UNSUPPORTED) {
    test(entry.at, () => {
      const [type, field] = entry.at.split('.') as [string, string];
      const place = PLACES[type];
      assert.ok(place, `no place for ${type} in the test workflow`);
      assert.ok(ARGO_TYPES[type]?.[field] !== undefined, `${entry.at} is not an Argo field`);
      const wf = base() as Wf;
      const value = entry.check ? entry.refused : sample(ARGO_TYPES[type]![field]!);
      place.owner(wf)[field] = value;
      const errors = validateWorkflow(wf as Workflow).filter((e) => e.kind === 'unsupported');
      const want = entry.templateType
        ? `${place.path}.${field}: template type ${field} is not supported yet`
        : entry.check
          ? `${place.path}.${field}: ${entry.check(entry.refused)}`
          : `${place.path}.${field}: not supported by Argosy yet`;
      assert.ok(
        errors.some((e) => `${e.path}: ${e.message}` === want),
        `${want}\nnot in:\n${errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`,
      );
      // The controller: Error at once, with the same words, and nothing created.
      const d = decide({ workflow: wf as Workflow, pods: [], controller: { clusterName: 'main' } }, NOW);
      assert.equal(d.status.phase, 'Error');
      assert.ok(d.status.message?.includes(want), d.status.message);
      assert.deepEqual(d.actions, []);
    });
  }

  test('zero values change nothing and are accepted (daemon: false, sidecars: [])', () => {
    const wf = base() as Wf;
    Object.assign(wf.spec.templates[2], { daemon: false, sidecars: [], memoize: null });
    assert.deepEqual(validateWorkflow(wf as Workflow), []);
  });

  test('exit hooks are supported, other hooks are named', () => {
    const wf = base() as Wf;
    wf.spec.hooks = { exit: { template: 'c' } };
    assert.deepEqual(validateWorkflow(wf as Workflow), []);
  });

  test('a templateRef target using an unsupported field errors its node with the field named', () => {
    const wf = wfFromYaml(`
metadata: {name: wf}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: s, templateRef: {name: lib, template: locked}}
`);
    const lib = {
      metadata: { name: 'lib' },
      spec: {
        templates: [{ name: 'locked', container: { image: 'x' }, podResources: { limits: { cpu: '1' } } }],
      },
    };
    const d = decide(
      { workflow: wf, pods: [], controller: { clusterName: 'main' }, workflowTemplates: { 'argo/lib': lib } },
      NOW,
    );
    const node = Object.values(d.status.nodes ?? {}).find((n) => n.displayName === 's');
    assert.equal(node?.phase, 'Error');
    assert.equal(node?.message, 'lib.locked.podResources: not supported by Argosy yet');
    assert.deepEqual(
      d.actions.filter((a) => a.kind === 'CreatePod'),
      [],
    );
  });
});

describe('unknown fields', () => {
  const cases: Array<[string, (wf: Wf) => void, string]> = [
    [
      'spec.paralellism',
      (wf) => (wf.spec.paralellism = 2),
      'spec.paralellism: unknown field; did you mean parallelism?',
    ],
    [
      'containr',
      (wf) => {
        wf.spec.templates[2].containr = wf.spec.templates[2].container;
        delete wf.spec.templates[2].container;
      },
      'spec.templates[2].containr: unknown field; did you mean container?',
    ],
    [
      'imagePullPolicie',
      (wf) => (wf.spec.templates[2].container.imagePullPolicie = 'Always'),
      'spec.templates[2].container.imagePullPolicie: unknown field; did you mean imagePullPolicy?',
    ],
    [
      'a step field',
      (wf) => (wf.spec.templates[0].steps[0][0].dependencies = ['x']),
      'spec.templates[0].steps[0][0].dependencies: unknown field',
    ],
    ['nothing close', (wf) => (wf.spec.zzzzzzzzzz = 1), 'spec.zzzzzzzzzz: unknown field'],
  ];
  for (const [name, edit, want] of cases) {
    test(name, () => {
      const wf = base() as Wf;
      edit(wf);
      assert.deepEqual(
        validateWorkflow(wf as Workflow).map((e) => `${e.path}: ${e.message}`),
        [want],
      );
      const d = decide({ workflow: wf as Workflow, pods: [], controller: { clusterName: 'main' } }, NOW);
      assert.equal(d.status.phase, 'Error');
      assert.equal(d.status.message, want);
    });
  }

  test('Argosy placement fields are known on templates', () => {
    const wf = base() as Wf;
    Object.assign(wf.spec.templates[2], { clusterName: 'other', namespace: 'batch', serviceAccount: 'wf' });
    assert.deepEqual(validateWorkflow(wf as Workflow), []);
  });
});

describe('docs/engine.md prints the table', () => {
  test('the "Not supported yet" table matches src/engine/unsupported.ts (UPDATE_DOCS=1 rewrites it)', () => {
    const file = new URL('../../../docs/engine.md', import.meta.url);
    const doc = readFileSync(file, 'utf8');
    const start =
      '<!-- unsupported:start (generated from src/engine/unsupported.ts by test/unit/engine/unsupported.test.ts) -->';
    const end = '<!-- unsupported:end -->';
    const rows = [
      '| Argo field | feature | refused with |',
      '|---|---|---|',
      ...UNSUPPORTED.map((u) => {
        const field = u.at.split('.')[1];
        const how = u.templateType
          ? `template type ${field} is not supported yet`
          : u.check
            ? u.check(u.refused)
            : 'not supported by Argosy yet';
        return `| \`${u.at}\` | ${u.feature} | ${how} |`;
      }),
    ];
    const block = `${start}\n${rows.join('\n')}\n${end}`;
    const re = new RegExp(`${start.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s\\S]*?${end}`);
    assert.match(doc, re, 'docs/engine.md has no generated table block');
    const current = doc.match(re)![0];
    if (current !== block && process.env.UPDATE_DOCS === '1') writeFileSync(file, doc.replace(re, block));
    else assert.equal(current, block, 'run UPDATE_DOCS=1 npx tsx scripts/test.ts test/unit/engine/unsupported.test.ts');
  });
});
