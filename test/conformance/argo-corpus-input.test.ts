/**
 * Argo's own corpus (../shared/conformance/argo-upstream, Argo v4.1.2's examples and e2e files, and
 * ../shared/conformance/argo) read and checked the way `argosy lint`/`submit` do, cheaply enough for
 * every `npm test`: every file Argo parses parses here (YAML as go-yaml reads it); no Argo file has a
 * field Argo's types do not know; a file using a feature the manifest names and Argosy does not
 * implement is refused naming it (so it cannot run silently wrong); and a file refused is refused
 * only for unsupported features.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseWorkflows, validateWorkflow, type ValidationError } from '../../src/engine/index.ts';

const UPSTREAM = '../shared/conformance/argo-upstream';
const LOCAL = '../shared/conformance/argo';
const KINDS = ['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate'];

interface Case {
  upstream: string;
  file: string;
  features: string[];
  expected: string;
}
const cases = (JSON.parse(readFileSync(`${UPSTREAM}/manifest.json`, 'utf8')) as { cases: Case[] }).cases;

/** Manifest features Argosy does not implement (each maps to rows of src/engine/unsupported.ts). */
const UNSUPPORTED_FEATURES = [
  /^artifact:(gcs|azure|oss|hdfs|artifactory|plugin)$/,
  /^plugin$/,
  /^podDisruptionBudget$/,
];

/**
 * Git stores Argo's e2e symlinks as one-line files naming their target; Argo reads the target, which
 * is in this corpus (as examples__<name>) or in ../argo. Undefined when the corpus lacks it.
 */
function readCase(c: Case): string | undefined {
  const text = readFileSync(`${UPSTREAM}/${c.file}`, 'utf8');
  if (!/^\.\.?\/\S+\.ya?ml$/.test(text.trim())) return text;
  const parts = c.upstream.split('/').slice(0, -1);
  for (const seg of text.trim().split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  for (const candidate of [`${UPSTREAM}/${parts.join('__')}`, `${LOCAL}/${parts.at(-1)}`]) {
    if (existsSync(candidate)) return readFileSync(candidate, 'utf8');
  }
  return undefined;
}

/** Symlinks whose target the shared corpus does not hold (asserted, so the list cannot go stale). */
const TARGET_NOT_IN_CORPUS = [
  'test__e2e__functional__parameter-aggregation-dag.yaml',
  'test__e2e__functional__parameter-aggregation-script.yaml',
];

/**
 * Files with a repeated mapping key: Argo's strict reading (lint and submit's default) refuses them
 * (its lint then drops the document and finds nothing to lint; `--strict=false` keeps the last
 * value). Argosy reports go-yaml's error; the rest of the checks read them as `--strict=false` does.
 */
const REPEATED_KEYS: Record<string, string[]> = {
  'examples__k8s-patch-json-workflow.yaml': [
    '14:5 yaml: unmarshal errors: line 14: key "annotations" already set in map (in metadata)',
  ],
};

function check(text: string, file: string, strict = true): { parseErrors: string[]; problems: ValidationError[] } {
  const { workflows, errors } = parseWorkflows(text, file, { kinds: KINDS, strict });
  // Other kinds bundled in a file (ConfigMaps, CronWorkflows...) are not lint's business.
  const parseErrors = errors.filter((e) => !/^kind '/.test(e.message)).map((e) => `${e.line}:${e.column} ${e.message}`);
  const problems = workflows.flatMap((wf) =>
    validateWorkflow(wf, { entrypointOptional: wf.kind !== undefined && wf.kind !== 'Workflow' }),
  );
  return { parseErrors, problems };
}

describe("Argo's corpus through lint's checks", () => {
  for (const c of cases) {
    test(c.file, () => {
      const text = readCase(c);
      if (text === undefined) return assert.ok(TARGET_NOT_IN_CORPUS.includes(c.file), `${c.file}: target missing`);
      assert.ok(!TARGET_NOT_IN_CORPUS.includes(c.file), `${c.file} is readable now: drop it from the list`);
      const repeated = REPEATED_KEYS[c.file];
      if (repeated) assert.deepEqual(check(text, c.file).parseErrors, repeated, "Argo's strict reading refuses it");
      const { parseErrors, problems } = check(text, c.file, !repeated);
      assert.deepEqual(parseErrors, [], 'Argo parses this file');
      const lines = problems.map((p) => `${p.path}: ${p.message}`);
      assert.deepEqual(
        problems.filter((p) => p.kind === 'unknown-field').map((p) => `${p.path}: ${p.message}`),
        [],
        "Argo's own files use only Argo's fields",
      );
      const needs = c.features.filter((f) => UNSUPPORTED_FEATURES.some((re) => re.test(f)));
      if (needs.length > 0) {
        assert.ok(
          problems.some((p) => p.kind === 'unsupported'),
          `uses ${needs.join(', ')} but is not refused`,
        );
      }
      // Refused for a reason other than a missing feature: only files Argo itself fails (invalid spec).
      if (problems.some((p) => p.kind !== 'unsupported')) {
        assert.match(c.expected, /Failed|Error/, `refused although Argo runs it:\n${lines.join('\n')}`);
      }
    });
  }

  test(`every file of ${LOCAL} parses and validates`, () => {
    for (const f of readdirSync(LOCAL).filter((x) => /\.ya?ml$/.test(x))) {
      const { parseErrors, problems } = check(readFileSync(`${LOCAL}/${f}`, 'utf8'), f);
      assert.deepEqual(parseErrors, [], f);
      assert.deepEqual(
        problems.filter((p) => p.kind === 'unknown-field'),
        [],
        f,
      );
    }
  });
});
