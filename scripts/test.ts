// Runs node's test runner over the suite. Globs are expanded here, not by the shell, so the
// command behaves the same on every platform and never silently finds zero tests.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { failureSummary } from './tap-failures.ts';

/**
 * Files that wait on the real clock for minutes with little CPU, and their time limit (ms). They run
 * in a process of their own beside the others instead of holding one of the TEST_CONCURRENCY slots
 * (and the 300 s per-file limit) for minutes; their report is printed after the others'.
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

type Mode = 'keep' | 'tee';

/** One `node --test` run: its output is kept (`keep`), or kept and shown as it comes (`tee`). */
function runNode(list: string[], args: string[], mode: Mode): Promise<{ code: number; output: string }> {
  // Piped, node would switch a terminal's spec reporter to TAP; keep what the terminal would show.
  const reporter =
    process.stdout.isTTY && !flags.some((f) => f.startsWith('--test-reporter')) ? ['--test-reporter=spec'] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', ...reporter, ...args, ...flags, ...list], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const take = (to: NodeJS.WriteStream) => (d: Buffer) => {
    output += d.toString();
    if (mode === 'tee') to.write(d);
  };
  child.stdout?.on('data', take(process.stdout));
  child.stderr?.on('data', take(process.stderr));
  return new Promise((done) => child.on('close', (code) => done({ code: code ?? 1, output })));
}

/** The counts of a run's summary (`# pass 3` in TAP, `ℹ pass 3` in spec), summed over runs. */
function totals(outputs: string[]): string {
  const names = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo'];
  const sum = (name: string) =>
    outputs.reduce(
      (n, out) => n + Number([...out.matchAll(new RegExp(`^(?:#|ℹ) ${name} (\\d+)$`, 'gm'))].at(-1)?.[1] ?? 0),
      0,
    );
  return names.map((name) => `# ${name} ${sum(name)}\n`).join('');
}

const mixed = others.length > 0 && clockBound.length > 0;
const slowest = Math.max(0, ...clockBound.map((f) => CLOCK_BOUND[key(f)]!));
const clock = clockBound.length
  ? runNode(
      clockBound,
      [`--test-concurrency=${clockBound.length}`, `--test-timeout=${slowest}`],
      mixed ? 'keep' : 'tee',
    )
  : undefined;
const main = others.length
  ? await runNode(others, [`--test-concurrency=${concurrency}`, '--test-timeout=300000'], 'tee')
  : { code: 0, output: '' };
const waited = (await clock) ?? { code: 0, output: '' };
if (mixed) {
  process.stdout.write(`\n# clock-bound files, run beside the others: ${clockBound.join(', ')}\n${waited.output}`);
  process.stdout.write(`\n# both runs together\n${totals([main.output, waited.output])}`);
}
process.stdout.write(failureSummary([main.output, waited.output]));
process.exit(main.code || waited.code);
