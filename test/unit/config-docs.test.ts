// The configuration reference must name every setting src/config.ts reads, and loadConfig must
// reject bad values with the variable's name (the "one clear line" users see).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configEnvNames, loadConfig } from '../../src/config.ts';

const doc = readFileSync(join(import.meta.dirname, '../../docs/configuration.md'), 'utf8');
const reference = doc.slice(doc.indexOf('## Reference: every setting'));

test('docs/configuration.md documents every environment variable', () => {
  assert.ok(reference.length > 100, 'the reference section exists');
  const missing = Object.values(configEnvNames).filter((name) => !reference.includes(`\`${name}\``));
  assert.deepEqual(missing, []);
});

test('an invalid value names the variable and the problem', () => {
  assert.throws(
    () => loadConfig({}, { ARGOSY_CLUSTER_NAME: 'main.eu' }),
    /clusterName \(ARGOSY_CLUSTER_NAME\): .*DNS label/,
  );
  assert.throws(() => loadConfig({}, { ARGOSY_MAX_POD_CREATES: '0' }), /ARGOSY_MAX_POD_CREATES/);
});
