// The template-type table (src/engine/template-types.ts) and the "not supported yet" table
// (src/engine/unsupported.ts) together cover every template type Argo has, and never both claim one:
// a type is either run or refused by name, never silently ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEMPLATE_TYPES } from '../../../src/engine/template-types.ts';
import { TEMPLATE_TYPE_FIELDS, templateKind } from '../../../src/engine/template-kind.ts';
import { UNSUPPORTED } from '../../../src/engine/unsupported.ts';
import { ARGO_TYPES } from '../../../src/engine/argo-schema.generated.ts';
import type { Template } from '../../../src/engine/types.ts';

const refused = UNSUPPORTED.filter((u) => u.templateType).map((u) => u.at.replace(/^Template\./, ''));
const run = Object.keys(TEMPLATE_TYPES);

test('every template type field is run (a row) or refused by name, not both', () => {
  for (const field of TEMPLATE_TYPE_FIELDS) {
    const claims = [run.includes(field) && 'run', refused.includes(field) && 'refused'].filter(Boolean);
    assert.equal(claims.length, 1, `${field}: ${claims.join(' and ') || 'neither run nor refused'}`);
  }
  for (const name of [...run, ...refused])
    assert.ok((TEMPLATE_TYPE_FIELDS as readonly string[]).includes(name), `${name} missing from TEMPLATE_TYPE_FIELDS`);
});

test('the type fields are fields of Argo Template', () => {
  const fields = Object.keys(ARGO_TYPES['Template'] ?? {});
  for (const field of TEMPLATE_TYPE_FIELDS) assert.ok(fields.includes(field), field);
});

test('templateKind names the field a template sets', () => {
  assert.equal(templateKind({ name: 'a', container: { image: 'x' } } as Template), 'container');
  assert.equal(templateKind({ name: 'a', suspend: {} } as Template), 'suspend');
  assert.equal(templateKind({ name: 'a', http: { url: 'u' } } as Template), 'http');
  assert.equal(templateKind({ name: 'a' } as Template), 'unknown');
});

test('pod-running rows are the container, script, containerSet, resource and data types', () => {
  const pods = Object.entries(TEMPLATE_TYPES)
    .filter(([, row]) => row?.runsPod)
    .map(([k]) => k);
  assert.deepEqual(pods.sort(), ['container', 'containerSet', 'data', 'resource', 'script']);
});
