// Runs node's test runner over the suite. Globs are expanded here, not by the shell, so the
// command behaves the same on every platform and never silently finds zero tests.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/**
 * Files that wait on the real clock for minutes with little CPU, and their time limit (ms). They run
 * in a process of their own beside the others instead of holding one of the TEST_CONCURRENCY slots
 * (and the 180 s per-file limit) for minutes; their report is printed after the others'.
 */
const CLOCK_BOUND: Record<string, number> = {
  // A CronWorkflow on a real one-minute schedule across an `argosy dev` restart: 2–4 minutes.
  'test/integration/cli/cron-clock.test.ts': 600_000,
};

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (p.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = (roots.length ? roots : ['test']).flatMap((r) => (r.endsWith('.ts') ? [r] : findTests(r))).sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const key = (f: string) => relative(process.cwd(), resolve(f)).split(sep).join('/');
const clockBound = files.filter((f) => CLOCK_BOUND[key(f)] !== undefined);
const others = files.filter((f) => CLOCK_BOUND[key(f)] === undefined);
const concurrency = process.env.TEST_CONCURRENCY ?? '2';

/** One `node --test` run; its output goes to ours, or is kept (`quiet`) and returned. */
function runNode(list: string[], args: string[], quiet: boolean): Promise<{ code: number; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', ...args, ...flags, ...list], {
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code: code ?? 1, output })));
}

const slowest = Math.max(0, ...clockBound.map((f) => CLOCK_BOUND[key(f)]!));
const clock = clockBound.length
  ? runNode(clockBound, [`--test-concurrency=${clockBound.length}`, `--test-timeout=${slowest}`], others.length > 0)
  : undefined;
const main = others.length
  ? await runNode(others, [`--test-concurrency=${concurrency}`, '--test-timeout=180000'], false)
  : { code: 0, output: '' };
const waited = (await clock) ?? { code: 0, output: '' };
if (others.length && clockBound.length) {
  process.stdout.write(`\n# clock-bound files, run beside the others: ${clockBound.join(', ')}\n${waited.output}`);
}
process.exit(main.code || waited.code);
