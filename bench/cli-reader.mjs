// Runs one command and reads its stdout the way a terminal or `| jq` does: in a process that does
// nothing else. The bench process hosts the whole local stack, and read there, a command with
// megabytes of output (`get -o json` on 10,000 nodes: 7.6 MB, ~120 pipe fills) waited on that busy
// event loop at every pipe fill and was measured as slow. Prints one JSON line: wall time, time to
// the first stdout byte, exit code, bytes, lines (and the first 2,000 characters of stderr).
// Usage: node cli-reader.mjs FIRST_ONLY(0|1) COMMAND ARGS...
import { spawn } from 'node:child_process';

const [firstOnly, command, ...args] = process.argv.slice(2);
const t0 = performance.now();
let first;
let bytes = 0;
let lines = 0;
let err = '';
let killed = false;
const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
child.stdout.on('data', (d) => {
  first ??= performance.now() - t0;
  if (firstOnly === '1' && !killed) killed = child.kill('SIGTERM');
  bytes += d.length;
  for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
});
child.stderr.on('data', (d) => {
  if (err.length < 2000) err += d.toString().slice(0, 2000 - err.length);
});
child.on('close', (code) => {
  const out = { ms: performance.now() - t0, code, bytes, lines, killed, err };
  if (first !== undefined) out.firstOutputMs = first;
  process.stdout.write(JSON.stringify(out) + '\n');
});
