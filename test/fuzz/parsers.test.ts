// Generated input for the parsers that face users and the queue: workflow YAML/JSON (the engine's
// parse + validate, then decide on what validates), rest-config entries, and nudges. Each must only
// ever fail with its documented error type — parse returns errors, validate returns errors,
// parseEntry throws EntryInvalidError, parseNudge throws ZodError/SyntaxError — and finish (500 runs
// each; a hang is caught by the runner's timeout). Entry errors must not quote a planted token.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
// parseNudge validates with zod/mini, whose errors are core $ZodErrors (full zod's ZodError is one too).
import { core } from 'zod/mini';
import { decide, parseWorkflows, validateWorkflow } from '../../src/engine/index.ts';
import type { Workflow } from '../../src/engine/types.ts';
import { parseEntry } from '../../src/clusters/entry.ts';
import { parseNudge } from '../../src/nudge.ts';

const RUNS = { numRuns: 500 };
const name = fc.constantFrom('main', 'a', 'b', 'say', 'x-y', '', 'A', 'a.b', '{{x}}');
const anyValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));

/** Workflow-shaped objects: right keys, random shapes and values inside. */
const template = fc.record(
  {
    name,
    container: fc.oneof(fc.record({ image: fc.string(), args: fc.array(fc.string(), { maxLength: 3 }) }), anyValue),
    script: fc.oneof(fc.record({ image: fc.string(), source: fc.string() }), anyValue),
    clusterName: fc.oneof(name, anyValue),
    namespace: fc.oneof(name, anyValue),
    steps: fc.oneof(
      fc.array(fc.array(fc.record({ name, template: name, when: fc.string() }), { maxLength: 3 }), { maxLength: 3 }),
      anyValue,
    ),
    dag: fc.oneof(
      fc.record({
        tasks: fc.array(
          fc.record(
            {
              name,
              template: name,
              depends: fc.oneof(fc.string(), fc.constantFrom('a', 'a && b', 'a.Succeeded || !b', '((a')),
              dependencies: fc.array(name, { maxLength: 2 }),
              withItems: fc.array(anyValue, { maxLength: 3 }),
              withSequence: fc.record({ count: fc.oneof(fc.string(), fc.integer()) }),
            },
            { requiredKeys: ['name'] },
          ),
          { maxLength: 4 },
        ),
      }),
      anyValue,
    ),
    inputs: fc.oneof(
      fc.record({ parameters: fc.array(fc.record({ name, value: fc.string() }), { maxLength: 2 }) }),
      anyValue,
    ),
    retryStrategy: fc.oneof(fc.record({ limit: fc.oneof(fc.integer(), fc.string()) }), anyValue),
  },
  { requiredKeys: ['name'] },
);
const workflowObject = fc.record({
  apiVersion: fc.constantFrom('argoproj.io/v1alpha1', 'v1'),
  kind: fc.constantFrom('Workflow', 'Workflow', 'Pod'),
  metadata: fc.record({ name: fc.constantFrom('fz', 'fz-1'), namespace: fc.constant('argo'), uid: fc.constant('u') }),
  spec: fc.oneof(
    fc.record({
      entrypoint: name,
      templates: fc.oneof(fc.array(template, { maxLength: 4 }), anyValue),
      arguments: fc.oneof(
        fc.record({ parameters: fc.array(fc.record({ name, value: fc.string() }), { maxLength: 2 }) }),
        anyValue,
      ),
      onExit: fc.oneof(name, anyValue),
    }),
    anyValue,
  ),
});

/**
 * Engine bugs this fuzzing found (reported to the engine owner; not ours to fix). They surface in the
 * CLI as a raw JS message (`argosy lint`: "(wf.spec.templates ?? []).forEach is not a function"); on
 * the reconcile path the CRD schema rejects such objects first. Anything else that throws fails.
 *  - validateWorkflow throws TypeError when spec.templates, a template's steps or dag.tasks are not
 *    arrays (strings, numbers, objects).
 */
const KNOWN = [{ stage: 'validate', re: /is not a function|is not iterable/ }];
const knownHits = new Map<string, number>();

function tolerate(stage: string, e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  const known = KNOWN.find((k) => k.stage === stage && k.re.test(message));
  if (!known) throw e;
  knownHits.set(`${stage}: ${known.re.source}`, (knownHits.get(`${stage}: ${known.re.source}`) ?? 0) + 1);
}

/** Parse, validate, and (when valid) decide once: none of it may throw (bar the known bugs above). */
function throughEngine(text: string): void {
  let parsed;
  try {
    parsed = parseWorkflows(text, 'fuzz.yaml');
  } catch (e) {
    return tolerate('parse', e);
  }
  const { workflows, errors } = parsed;
  assert.ok(Array.isArray(errors));
  for (const wf of workflows) {
    let problems;
    try {
      problems = validateWorkflow(wf);
    } catch (e) {
      tolerate('validate', e);
      continue;
    }
    if (problems.length > 0) continue;
    const w = { ...wf, metadata: { ...wf.metadata, name: 'fz', namespace: 'argo', uid: 'u' } } as Workflow;
    decide({ workflow: w, pods: [], controller: { clusterName: 'main' } }, new Date('2026-01-01T00:00:00Z'));
  }
}

describe('fuzz: workflow parse/validate/decide', () => {
  test('arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => throughEngine(s)),
      RUNS,
    );
  });
  test('workflow-shaped YAML and JSON', () => {
    fc.assert(
      fc.property(workflowObject, fc.boolean(), (obj, json) =>
        throughEngine(json ? JSON.stringify(obj) : stringify(obj)),
      ),
      RUNS,
    );
  });
  test('a YAML alias bomb is refused, not expanded', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    lines.push('spec: *j');
    // 10^10 nodes if expanded; it must end at once with a parse error.
    const r = parseWorkflows(lines.join('\n'));
    assert.equal(r.workflows.length, 0);
    assert.match(r.errors[0]?.message ?? '', /cannot read YAML: Excessive alias count/);
  });
  test('an unresolved alias is a parse error with a position', () => {
    const r = parseWorkflows('spec: *missing\n', 'x.yaml');
    assert.equal(r.workflows.length, 0);
    assert.equal(r.errors[0]?.file, 'x.yaml');
    assert.ok((r.errors[0]?.line ?? 0) >= 1);
  });
  test('known engine parse/validate bugs hit by the fuzzing (diagnostic)', (t) => {
    t.diagnostic(JSON.stringify(Object.fromEntries(knownHits)));
    assert.ok(knownHits.size <= KNOWN.length);
  });
});

describe('fuzz: rest-config entries', () => {
  const token = fc.string({ minLength: 12, maxLength: 40 }).map((s) => `tok${Buffer.from(s).toString('hex')}`);
  const entry = fc.record({
    Host: fc.oneof(fc.constantFrom('https://127.0.0.1:6443', 'http://x', 'not a url', ''), anyValue),
    BearerToken: fc.oneof(token, anyValue),
    Username: anyValue,
    Password: fc.oneof(token, anyValue),
    QPS: anyValue,
    Burst: anyValue,
    Timeout: anyValue,
    TLSClientConfig: fc.oneof(
      fc.record({
        CAData: fc.oneof(fc.base64String(), anyValue),
        Insecure: anyValue,
        CertData: anyValue,
        KeyData: anyValue,
      }),
      anyValue,
    ),
  });
  const asValue = fc.oneof(
    entry.map((e) => e as unknown),
    entry.map((e) => JSON.stringify(e)),
    entry.map((e) => Buffer.from(JSON.stringify(e)).toString('base64')),
    anyValue,
    fc.string(),
  );
  test('only EntryInvalidError, never quoting a token', () => {
    fc.assert(
      fc.property(asValue, (value) => {
        try {
          parseEntry('fuzz.', value);
        } catch (e) {
          assert.equal((e as Error).name, 'EntryInvalidError', String(e));
          const text = `${(e as Error).message} ${JSON.stringify(e)}`;
          const obj = typeof value === 'object' && value ? (value as Record<string, unknown>) : {};
          for (const secret of [obj.BearerToken, obj.Password])
            if (typeof secret === 'string' && secret.length >= 12)
              assert.ok(!text.includes(secret), 'credential quoted');
        }
      }),
      RUNS,
    );
  });
});

describe('fuzz: nudges', () => {
  const nudgeish = fc.record({
    v: fc.oneof(fc.constant(1), anyValue),
    namespace: fc.oneof(fc.string({ maxLength: 300 }), anyValue),
    workflow: fc.oneof(fc.string({ maxLength: 300 }), anyValue),
    source: fc.oneof(fc.constantFrom('workflow', 'pod', 'resync', 'timer', 'replay', 'cli', 'x'), anyValue),
    object: fc.oneof(fc.record({ cluster: fc.string(), namespace: fc.string(), name: fc.string() }), anyValue),
    change: fc.oneof(fc.string({ maxLength: 300 }), anyValue),
  });
  test('only ZodError or SyntaxError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          nudgeish.map((n) => JSON.stringify(n)),
        ),
        (body) => {
          try {
            parseNudge(body);
          } catch (e) {
            assert.ok(e instanceof core.$ZodError || e instanceof SyntaxError, `unexpected ${String(e)}`);
          }
        },
      ),
      RUNS,
    );
  });
});
