// Lint rules that keep the architecture honest: the engine stays pure (no I/O, clock or env),
// and files and functions stay small enough to split before they calcify. The direction between
// layers (engine ← ports ← adapters ← clusters ← runtime ← functions/watcher/cli) is checked by
// dependency-cruiser (.dependency-cruiser.cjs, `npm run check:layers`), which sees every import.
import tseslint from 'typescript-eslint';
import lengthBaseline from './length-baseline.js';

export const MAX_FUNCTION_LINES = 50;
export const MAX_FILE_LINES = 400;

const engineBans = {
  patterns: [
    { group: ['node:*', 'fs', 'http', 'https', 'net', 'child_process'], message: 'The engine does no I/O.' },
    { group: ['@aws-sdk/*', '@kubernetes/*', '@middy/*'], message: 'The engine knows no SDKs.' },
  ],
};

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'ui/dist/**', '.serverless/**', '.esbuild/**', 'coverage/**', '**/*.d.ts'],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Product code: files under 400 lines, functions under 50 (blank and comment lines not counted).
    files: ['src/**/*.ts', 'functions/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: MAX_FILE_LINES, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: MAX_FUNCTION_LINES, skipBlankLines: true, skipComments: true }],
    },
  },
  // Files that had longer functions when the rule came in: no longer than they were (length-baseline.js).
  ...Object.entries(lengthBaseline).map(([file, max]) => ({
    files: [file],
    rules: { 'max-lines-per-function': ['error', { max, skipBlankLines: true, skipComments: true }] },
  })),
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', engineBans],
      'no-restricted-globals': ['error', { name: 'process', message: 'The engine reads no env.' }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Time comes in as `now`.' },
        { object: 'Math', property: 'random', message: 'The engine is deterministic.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Time comes in as `now`.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'max-lines': 'off' },
  },
);
