// The length rules of eslint.config.js (functions ≤ 50 lines, files ≤ 400 in src/ and functions/)
// bite, and length-baseline.js — the files that had longer functions when the rule came in — only
// shrinks: every entry must be exactly the file's longest function today, so a split that makes an
// entry loose fails here until the entry is lowered or deleted.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';

const repo = resolve(import.meta.dirname, '../../..');
const load = async (file: string): Promise<unknown> => import(pathToFileURL(join(repo, file)).href);
const baseline = ((await load('length-baseline.js')) as { default: Record<string, number> }).default;
const { MAX_FUNCTION_LINES } = (await load('eslint.config.js')) as { MAX_FUNCTION_LINES: number };

/** Function lengths over `max`, by ESLint's own count, in each file. */
async function longFunctions(files: string[], max: number): Promise<Map<string, number[]>> {
  const eslint = new ESLint({
    cwd: repo,
    overrideConfig: {
      rules: { 'max-lines-per-function': ['error', { max, skipBlankLines: true, skipComments: true }] },
    },
  });
  const out = new Map<string, number[]>();
  for (const r of await eslint.lintFiles(files)) {
    const lengths = r.messages
      .filter((m) => m.ruleId === 'max-lines-per-function')
      .map((m) => Number(/\((\d+)\)/.exec(m.message)?.[1]));
    out.set(r.filePath.slice(repo.length + 1), lengths);
  }
  return out;
}

describe('length rules (eslint.config.js, length-baseline.js)', () => {
  test('every baseline entry names an existing file and is exactly its longest function', async () => {
    const files = Object.keys(baseline);
    for (const f of files) assert.ok(existsSync(join(repo, f)), `${f} is gone: delete its entry`);
    const found = await longFunctions(files, MAX_FUNCTION_LINES);
    const wrong = files.flatMap((f) => {
      const longest = Math.max(0, ...(found.get(f) ?? []));
      if (longest === 0) return [`${f}: no function over ${MAX_FUNCTION_LINES} lines now, delete its entry`];
      return baseline[f] === longest ? [] : [`${f}: its longest function is ${longest} lines, set its entry to that`];
    });
    assert.deepEqual(wrong, []);
  });

  test('a function over the limit in a file outside the baseline is an error', async () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES + 1 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const eslint = new ESLint({ cwd: repo });
    const [r] = await eslint.lintText(`export function long(): void {\n${body}\n}\n`, {
      filePath: join(repo, 'src/engine/new-module.ts'),
    });
    const hit = r?.messages.find((m) => m.ruleId === 'max-lines-per-function');
    assert.equal(hit?.severity, 2, 'max-lines-per-function is an error for new code');
  });
});
